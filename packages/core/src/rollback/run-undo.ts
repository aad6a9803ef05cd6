import type { AgentAction, DbTransaction } from "@leash/db";

import { actorRef, systemActor } from "../actor.ts";
import type { ActionServices, UndoOutcome } from "../action-types/action-definition.ts";
import type { ActionRegistry } from "../action-types/action-type-registry.ts";
import { CoreError } from "../errors.ts";
import { findLaterChanges } from "./find-later-changes.ts";
import { reversibility } from "./plan-rollback.ts";
import { listIds } from "./wording.ts";

/**
 * The worker's part of a rollback, inside the undo action's fenced execution transaction: checks
 * once more that the original can still be undone (a reminder may have fired, an item may have
 * changed since the request) and runs the type's undo. Every refusal here is final.
 */
export async function undoOriginal(
  tx: DbTransaction,
  registry: ActionRegistry,
  { undo, now, services }: { undo: AgentAction; now: Date; services: ActionServices },
): Promise<UndoOutcome & { original: AgentAction }> {
  const original = await tx.agentAction.findFirst({ where: { id: undo.rollbackOfId ?? 0, tenantId: undo.tenantId } });
  if (!original) throw new CoreError("NOT_FOUND", `#${undo.id} undoes #${undo.rollbackOfId ?? "?"}, which no longer exists`);
  const found = reversibility(registry, original);
  if ("reason" in found) throw new CoreError("NOT_REVERSIBLE", `#${original.id} ${found.reason}`);
  const refusal = await found.support.refusal({ db: tx, original });
  if (refusal) throw new CoreError("NOT_REVERSIBLE", `#${original.id} ${refusal}`);
  const later = await findLaterChanges(tx, original, found.support.laterChanges, "running");
  if (later.length > 0) {
    const ids = later.map((action) => action.id).reverse();
    throw new CoreError("CONFLICT", `#${original.id} was changed later by ${listIds(ids)}, which ${ids.length === 1 ? "is" : "are"} not undone; not rolled back`);
  }
  const outcome = await found.support.undo({ tx, tenantId: undo.tenantId, original, undoActionId: undo.id, now, services });
  return { ...outcome, original };
}

/**
 * Marks the original as rolled back and records it in the timelines of both actions (after the undo's
 * `executed`), in one statement through the execution transaction: the writes the model API made
 * with an update and two creates (test/execution-statements.int.test.ts compares them).
 */
export async function recordRolledBack(tx: DbTransaction, { undo, original, now }: { undo: AgentAction; original: AgentAction; now: Date }): Promise<void> {
  const worker = actorRef(systemActor(undo.tenantId, "worker"));
  const events = JSON.stringify([
    { action_id: original.id, details: { undoActionId: undo.id } },
    { action_id: undo.id, details: { rollbackOf: original.id } },
  ]);
  const marked = await tx.$queryRaw<{ id: number }[]>`
    WITH marked AS (
      UPDATE agent_action SET rolled_back_at = ${now}, updated_at = ${now} WHERE id = ${original.id} RETURNING id
    ),
    recorded AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_id, actor_label, details)
      SELECT ${undo.tenantId}::uuid, e.action_id, 'rolled_back', ${worker.actorKind}::"ActorKind", ${worker.actorId}::text, ${worker.actorLabel}, e.details
      FROM ROWS FROM (jsonb_to_recordset(${events}::jsonb) AS (action_id int, details jsonb)) WITH ORDINALITY AS e(action_id, details, place)
      WHERE EXISTS (SELECT 1 FROM marked)
      ORDER BY e.place
    )
    SELECT id FROM marked`;
  if (marked.length === 0) throw new CoreError("NOT_FOUND", `#${undo.id} undoes #${original.id}, which no longer exists`);
}
