import { z } from "zod";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { actionFilterWhere } from "./action-filters.ts";
import { listActionsInputSchema, type ListActionsInput } from "./action-inputs.ts";
import { actionViewSchema, toActionView } from "./action-view.ts";

export const actionPageSchema = z.object({
  items: z.array(actionViewSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.int().nullable(),
});
export type ActionPage = z.infer<typeof actionPageSchema>;

/** The tenant's actions, newest first, filtered, one page at a time (cursor = last id seen). */
export async function listActions(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: ListActionsInput },
): Promise<ActionPage> {
  assertCan(actor, "action.read");
  const filters = parseInput(listActionsInputSchema, input, "filters");
  const where = {
    ...actionFilterWhere(actor.tenantId, filters),
    ...(filters.cursor !== undefined ? { id: { lt: filters.cursor } } : {}),
  };
  const rows = await deps.db.agentAction.findMany({ where, orderBy: { id: "desc" }, take: filters.limit + 1 });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return { items: page.map(toActionView), nextCursor: rows.length > filters.limit && last ? last.id : null };
}
