/**
 * Text to look for inside a column with LIKE / ILIKE (Prisma's `contains` included, which passes it
 * on as it is): `%`, `_` and `\` in what a person typed stand for themselves, not for wildcards.
 */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
