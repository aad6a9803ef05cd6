import * as z from "zod/mini";

import type { BoundedCount } from "@leash/core";

import { formatCount } from "./format.ts";

/** What the console layout's loader tells about waiting actions (checked, as any route's data read from another route is). */
const layoutCountsSchema = z.object({
  counts: z.object({ pending: z.object({ count: z.number(), capped: z.boolean() }) }),
  permissions: z.object({ decide: z.boolean() }),
});

/** What waits for this reader: pending actions, for someone who may decide them; nothing for anyone else. */
export function waitingFor({ counts, permissions }: z.infer<typeof layoutCountsSchema>): BoundedCount | null {
  return permissions.decide ? counts.pending : null;
}

const countPrefix = (waiting: BoundedCount | null) => (waiting && waiting.count > 0 ? `(${formatCount(waiting)}) ` : "");

/**
 * A console page's title for its route's `meta`, with how many actions wait for the reader in front
 * ("(3) History · Leash console"), so that a tab in the background says when there is something to
 * decide. The count comes from the console layout's data among the matches: the server's HTML carries
 * it before any script runs, and each revalidation brings the new one.
 */
export function consoleTitle(page: string, matches: ReadonlyArray<{ id: string; loaderData?: unknown } | undefined>): string {
  const layout = layoutCountsSchema.safeParse(matches.find((match) => match?.id === "routes/console")?.loaderData);
  return `${layout.success ? countPrefix(waitingFor(layout.data)) : ""}${page} · Leash console`;
}
