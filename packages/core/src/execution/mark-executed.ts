import type { DbTransaction, Prisma } from "@leash/db";

import { actorRef, systemActor } from "../actor.ts";
import type { JsonObject } from "../actions/json.ts";
import { waitingOnQuery } from "./waiting-on.ts";

/**
 * Marks a claimed action executed and appends its `executed` event in one statement of the
 * caller's transaction (one round trip instead of two on the hot path of every execution), if the
 * claim still holds, and answers whether it did (if not, the caller must roll back). The same
 * statement finds the actions waiting for this one (`waitingOnQuery`), for the caller to wake once
 * it has committed, which saves a round trip after the commit. It sees them as of the statement's
 * start: an action on the same target that commits between this statement and the commit, and
 * whose job tries its claim in that instant, is not woken and runs at its next check instead.
 * A null `rollbackData` or `parameters` leaves the stored value as it is.
 */
export async function markExecuted(
  tx: DbTransaction,
  update: {
    action: { id: number; tenantId: string; targetId: number | null };
    claimToken: string;
    now: Date;
    result: JsonObject;
    rollbackData: JsonObject | null;
    targetId: number | null;
    parameters: Prisma.InputJsonObject | null;
    details: JsonObject;
  },
): Promise<{ held: boolean; waiting: number[] }> {
  const { action } = update;
  const json = (value: object | null) => (value === null ? null : JSON.stringify(value));
  const actor = actorRef(systemActor(action.tenantId, "worker"));
  const [row] = await tx.$queryRaw<{ marked: number; waiting: number[] }[]>`
    WITH done AS (
      UPDATE agent_action
      SET status = 'executed', executed_at = ${update.now}, result = ${json(update.result)}::jsonb,
          rollback_data = COALESCE(${json(update.rollbackData)}::jsonb, rollback_data),
          target_id = ${update.targetId}::int, parameters = COALESCE(${json(update.parameters)}::jsonb, parameters),
          error_message = NULL, claim_token = NULL, updated_at = ${update.now}
      -- Status as text: found by the primary key, not by a walk of the in-flight index (see claimAction).
      WHERE id = ${action.id} AND status::text = 'executing' AND claim_token = ${update.claimToken}::uuid
      RETURNING id, tenant_id
    ),
    executed_event AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_id, actor_label, details)
      SELECT tenant_id, id, 'executed', ${actor.actorKind}::"ActorKind", ${actor.actorId}, ${actor.actorLabel}, ${json(update.details)}::jsonb
      FROM done
    )
    SELECT (SELECT count(*)::int FROM done) AS marked, ARRAY(${waitingOnQuery(action)}) AS waiting`;
  if (row?.marked !== 1) return { held: false, waiting: [] };
  return { held: true, waiting: row.waiting };
}
