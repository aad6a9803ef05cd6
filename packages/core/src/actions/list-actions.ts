import { z } from "zod";

import { Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { actionFilterSql } from "./action-filters.ts";
import { listActionsInputSchema, type ListActionsInput } from "./action-inputs.ts";
import { actionViewSchema, toActionView } from "./action-view.ts";
import { readActionPage } from "./read-action-page.ts";

export const actionPageSchema = z.object({
  items: z.array(actionViewSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.int().nullable(),
});
export type ActionPage = z.infer<typeof actionPageSchema>;

/**
 * The tenant's actions, newest first, filtered, one page at a time (cursor = last id seen).
 * With a date range, pages follow creation time (the same order as ids but for ties within a
 * millisecond), so that Postgres walks the (tenant, created_at) index from the end of the range
 * instead of every newer id before it: a window a year back would otherwise read most of the table.
 */
export async function listActions(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: ListActionsInput },
): Promise<ActionPage> {
  assertCan(actor, "action.read");
  const filters = parseInput(listActionsInputSchema, input, "filters");
  const byCreationTime = filters.from !== undefined || filters.to !== undefined;
  const after = byCreationTime && filters.cursor !== undefined ? await cursorTime(deps, actor.tenantId, filters.cursor) : undefined;
  const below = after
    ? Prisma.sql` AND (a.created_at < ${after.createdAt} OR (a.created_at = ${after.createdAt} AND a.id < ${after.id}))`
    : filters.cursor !== undefined
      ? Prisma.sql` AND a.id < ${filters.cursor}::int`
      : Prisma.empty;
  const rows = await readActionPage(deps.db, Prisma.sql`${actionFilterSql(actor.tenantId, filters)}${below}`, {
    byCreationTime,
    limit: filters.limit + 1,
  });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return { items: page.map(toActionView), nextCursor: rows.length > filters.limit && last ? last.id : null };
}

/** Where a page that ended at action `id` ended in creation time (unknown ids fall back to id order). */
async function cursorTime(deps: Pick<CoreDeps, "db">, tenantId: string, id: number) {
  const row = await deps.db.agentAction.findFirst({ where: { id, tenantId }, select: { id: true, createdAt: true } });
  return row ?? undefined;
}
