import type { AgentAction, Db, DbTransaction, Prisma } from "@leash/db";

import { typesChanging } from "../action-types/action-type-registry.ts";
import type { LaterChangesRule } from "../action-types/action-definition.ts";
import { waitsForAPerson } from "../execution/waits-for-a-person.ts";

function onTheItem(original: AgentAction, rule: LaterChangesRule): Prisma.AgentActionWhereInput[] {
  if (rule === "none" || original.targetId === null) return [];
  const item = { targetType: original.targetType, targetId: original.targetId };
  if (rule === "item") return [{ ...item, actionType: { in: typesChanging("item") } }];
  // A type that changes links names the other end of its link `toId`, as `link` does.
  return [
    { ...item, actionType: { in: [...typesChanging("item"), ...typesChanging("links")] } },
    { actionType: { in: typesChanging("links") }, parameters: { path: ["toId"], equals: original.targetId } },
  ];
}

/**
 * The executed actions that changed the original's item after it and are not undone: what its
 * rollback would overwrite. When a rollback is requested, an undo that was asked for but has not
 * run yet counts as done (it is older, so it runs first); when the undo runs, only undos that ran do.
 * An undo that failed or was cancelled never counts: it undid nothing, and its original no longer
 * names it (`releaseOriginal`). Undo actions themselves are not changes: each cancels out the action
 * it undid. Newest first.
 */
export async function findLaterChanges(
  db: Db | DbTransaction,
  original: AgentAction,
  rule: LaterChangesRule,
  when: "requested" | "running",
): Promise<AgentAction[]> {
  const on = onTheItem(original, rule);
  if (on.length === 0) return [];
  return db.agentAction.findMany({
    where: {
      tenantId: original.tenantId,
      id: { gt: original.id },
      status: "executed",
      rollbackOfId: null,
      ...(when === "requested" ? { rollbackActionId: null } : { rolledBackAt: null }),
      OR: on,
    },
    orderBy: { id: "desc" },
  });
}

/**
 * Later actions of any type on the original's item that are approved or running (undos included): a
 * rollback now would race them. Steps that wait for a person are left out, as pending actions are:
 * they run after whatever runs before their decision, this rollback included (`waitsForAPerson`).
 */
export async function findUnfinishedLaterActions(db: Db | DbTransaction, original: AgentAction, rule: LaterChangesRule): Promise<number[]> {
  if (rule === "none" || original.targetId === null) return [];
  const on: Prisma.AgentActionWhereInput[] = [{ targetType: original.targetType, targetId: original.targetId }];
  if (rule === "item_and_links") on.push({ actionType: { in: typesChanging("links") }, parameters: { path: ["toId"], equals: original.targetId } });
  const rows = await db.agentAction.findMany({
    where: { tenantId: original.tenantId, id: { gt: original.id }, status: { in: ["approved", "executing"] }, OR: on },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  if (rows.length === 0) return [];
  const waiting = await db.$queryRaw<{ id: number }[]>`
    SELECT b.id FROM agent_action b WHERE b.id = ANY(${rows.map((row) => row.id)}::int[]) AND ${waitsForAPerson("b")}`;
  const left = new Set(waiting.map((row) => row.id));
  return rows.flatMap((row) => (left.has(row.id) ? [] : [row.id]));
}
