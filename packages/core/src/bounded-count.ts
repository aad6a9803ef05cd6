import { z } from "zod";

/**
 * Where counting stops. Pages that refresh every few seconds count rows that grow for ever (a
 * tenant's executed actions, a person's unread notifications); past this many, reading more only
 * costs the database and tells a person nothing they act on.
 */
export const COUNT_CAP = 1000;

export const boundedCountSchema = z.object({
  count: z.int().min(0).max(COUNT_CAP),
  capped: z.boolean().describe(`true when counting stopped at the cap (${COUNT_CAP}): there are at least \`count\``),
});
export type BoundedCount = z.infer<typeof boundedCountSchema>;

/** Reads a count taken with `LIMIT COUNT_CAP` (a Prisma `count` with `take: COUNT_CAP`). */
export function boundedCount(counted: number): BoundedCount {
  return { count: Math.min(counted, COUNT_CAP), capped: counted >= COUNT_CAP };
}
