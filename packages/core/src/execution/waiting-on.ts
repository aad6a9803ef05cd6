import { Prisma } from "@leash/db";

import type { CoreDeps } from "../deps.ts";

/**
 * The approved actions that wait for this one to finish: the next one on the same target, and
 * those that depend on it (the next template step, the next undo of a cascade; after a failure
 * they are already failed and not approved any more). A query of their ids, to run on its own or
 * inside the statement that marks the action executed.
 *
 * Spelled for the in-flight index: the status test as an OR that no other index takes as an index
 * condition, and the order by (target_id, id), which only the target indexes give. Otherwise the
 * planner could walk the tenant's approved actions, or all its actions by id, past a whole backlog
 * on every execution.
 */
export function waitingOnQuery(action: { id: number; tenantId: string; targetId: number | null }): Prisma.Sql {
  return Prisma.sql`
    SELECT id FROM (
      SELECT id, status FROM agent_action
      WHERE tenant_id = ${action.tenantId}::uuid AND target_id = ${action.targetId}::int AND id > ${action.id}
        AND (status = 'approved' OR status = 'executing')
      ORDER BY target_id, id LIMIT 1) next_on_target
    WHERE status = 'approved'
    UNION ALL
    SELECT id FROM agent_action WHERE tenant_id = ${action.tenantId}::uuid AND depends_on_id = ${action.id} AND status = 'approved'`;
}

/** Moves the jobs of waiting actions out of their delay, so they run now instead of at their next check. */
export async function wakeActions(deps: Pick<CoreDeps, "queue">, actionIds: readonly number[]): Promise<void> {
  for (const id of actionIds) await deps.queue.promoteExecution(id).catch(() => undefined);
}
