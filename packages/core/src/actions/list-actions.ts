import type { Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { listActionsInputSchema, type ListActionsInput } from "./action-inputs.ts";
import { toActionView, type ActionView } from "./action-view.ts";

const asList = <T>(value: T | T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

/** The tenant's actions, newest first, filtered, one page at a time (cursor = last id seen). */
export async function listActions(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: ListActionsInput },
): Promise<{ items: ActionView[]; nextCursor: number | null }> {
  assertCan(actor, "action.read");
  const filters = parseInput(listActionsInputSchema, input, "filters");
  const status = asList(filters.status);
  const actionType = asList(filters.actionType);
  const targetType = asList(filters.targetType);
  const where: Prisma.AgentActionWhereInput = {
    tenantId: actor.tenantId,
    ...(status ? { status: { in: status } } : {}),
    ...(actionType ? { actionType: { in: actionType } } : {}),
    ...(targetType ? { targetType: { in: targetType } } : {}),
    ...(filters.targetId !== undefined ? { targetId: filters.targetId } : {}),
    ...(filters.from || filters.to
      ? {
          createdAt: {
            ...(filters.from ? { gte: new Date(filters.from) } : {}),
            ...(filters.to ? { lt: new Date(filters.to) } : {}),
          },
        }
      : {}),
    ...(filters.cursor !== undefined ? { id: { lt: filters.cursor } } : {}),
  };
  const rows = await deps.db.agentAction.findMany({ where, orderBy: { id: "desc" }, take: filters.limit + 1 });
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return { items: page.map(toActionView), nextCursor: rows.length > filters.limit && last ? last.id : null };
}
