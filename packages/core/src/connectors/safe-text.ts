// What Postgres can store is checked by every input, in actions/storable.ts; this file keeps what
// only connectors refuse: control characters in URLs, header values and answers.

/** Whether `text` holds a C0 control character or DEL (and, with `orSpace`, a space). */
export function hasControlCharacter(text: string, { orSpace = false }: { orSpace?: boolean } = {}): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || (orSpace && code === 0x20)) return true;
  }
  return false;
}

/** `text` with every C0 control character and DEL replaced by a space. */
export function withoutControlCharacters(text: string): string {
  return Array.from(text, (character) => (hasControlCharacter(character) ? " " : character)).join("");
}
