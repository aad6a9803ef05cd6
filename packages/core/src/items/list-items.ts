import { z } from "zod";

import type { Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { int4IdSchema, safeText } from "../actions/storable.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { likeLiteral } from "../like-literal.ts";
import { parseInput } from "../validation.ts";
import { toItemView, type ItemView } from "./item-view.ts";
import { targetTypeSchema } from "./target-type.ts";

export const listItemsInputSchema = z.strictObject({
  kind: targetTypeSchema.optional(),
  /** Part of the title, any case. */
  search: safeText(z.string().trim().max(200)).optional(),
  /** Soft-deleted items are left out unless asked for (they can come back through a rollback). */
  includeDeleted: z.boolean().default(false),
  /** The `nextCursor` of the previous page. */
  cursor: int4IdSchema.optional(),
  limit: z.int().min(1).max(200).default(50),
});
export type ListItemsInput = z.input<typeof listItemsInputSchema>;

/**
 * The tenant's items (people, projects, ideas, admin items), newest first, one page at a time.
 * Items are what actions act on, so whoever may read actions may read them.
 */
export async function listItems(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: ListItemsInput },
): Promise<{ items: ItemView[]; nextCursor: number | null }> {
  assertCan(actor, "action.read");
  const filters = parseInput(listItemsInputSchema, input, "item filters");
  const where: Prisma.ItemWhereInput = {
    tenantId: actor.tenantId,
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.search ? { title: { contains: likeLiteral(filters.search), mode: "insensitive" } } : {}),
    ...(filters.includeDeleted ? {} : { deletedAt: null }),
    ...(filters.cursor !== undefined ? { id: { lt: filters.cursor } } : {}),
  };
  const rows = await deps.db.item.findMany({ where, orderBy: { id: "desc" }, take: filters.limit + 1 });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return { items: page.map(toItemView), nextCursor: rows.length > filters.limit && last ? last.id : null };
}
