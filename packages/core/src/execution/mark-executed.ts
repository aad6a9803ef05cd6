import type { DbTransaction, Prisma } from "@leash/db";

import { actorRef, systemActor } from "../actor.ts";
import type { JsonObject } from "../actions/json.ts";

/**
 * Marks a claimed action executed and appends its `executed` event in one statement of the
 * caller's transaction (one round trip instead of two on the hot path of every execution), if the
 * claim still holds. Answers whether it did: if not, the caller must roll back.
 * A null `rollbackData` or `parameters` leaves the stored value as it is.
 */
export async function markExecuted(
  tx: DbTransaction,
  update: {
    actionId: number;
    tenantId: string;
    claimToken: string;
    now: Date;
    result: JsonObject;
    rollbackData: JsonObject | null;
    targetId: number | null;
    parameters: Prisma.InputJsonObject | null;
    details: JsonObject;
  },
): Promise<boolean> {
  const json = (value: object | null) => (value === null ? null : JSON.stringify(value));
  const actor = actorRef(systemActor(update.tenantId, "worker"));
  const marked = await tx.$executeRaw`
    WITH done AS (
      UPDATE agent_action
      SET status = 'executed', executed_at = ${update.now}, result = ${json(update.result)}::jsonb,
          rollback_data = COALESCE(${json(update.rollbackData)}::jsonb, rollback_data),
          target_id = ${update.targetId}::int, parameters = COALESCE(${json(update.parameters)}::jsonb, parameters),
          error_message = NULL, claim_token = NULL, updated_at = ${update.now}
      WHERE id = ${update.actionId} AND status = 'executing' AND claim_token = ${update.claimToken}::uuid
      RETURNING id, tenant_id
    )
    INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_id, actor_label, details)
    SELECT tenant_id, id, 'executed', ${actor.actorKind}::"ActorKind", ${actor.actorId}, ${actor.actorLabel}, ${json(update.details)}::jsonb
    FROM done`;
  return marked === 1;
}
