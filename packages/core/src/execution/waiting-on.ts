import { Prisma } from "@leash/db";

import type { CoreDeps } from "../deps.ts";
import { waitsForAPerson } from "./waits-for-a-person.ts";

/**
 * The approved actions that wait for this one to finish: the next one on the same target (passing
 * over steps that wait for a person, which the claim passes over too), and those that depend on it
 * (the next template step, the next undo of a cascade; after a failure they are already failed and
 * not approved any more). A query of their ids, to run on its own or inside the statement that
 * marks the action executed.
 *
 * Spelled for the right index, because the planner's statistics are usually taken while few actions
 * are in flight, and then any index of in-flight or approved actions looks cheap, while under load
 * it holds the whole backlog. The next action on the target comes from the in-flight index: its
 * status test is an OR that no other index takes as an index condition, and the order by
 * (target_id, id) is one that only the target indexes give. The dependents come from the
 * depends-on index: the status is tested outside a fenced subquery (OFFSET 0), so that the
 * in-flight index, whose predicate a status test would satisfy, cannot serve it.
 */
export function waitingOnQuery(action: { id: number; tenantId: string; targetId: number | null }): Prisma.Sql {
  return Prisma.sql`
    SELECT id FROM (
      SELECT id, status FROM agent_action later
      WHERE tenant_id = ${action.tenantId}::uuid AND target_id = ${action.targetId}::int AND id > ${action.id}
        AND (status = 'approved' OR status = 'executing') AND NOT ${waitsForAPerson("later")}
      ORDER BY target_id, id LIMIT 1) next_on_target
    WHERE status = 'approved'
    UNION ALL
    SELECT id FROM (
      SELECT id, status FROM agent_action WHERE tenant_id = ${action.tenantId}::uuid AND depends_on_id = ${action.id} OFFSET 0) dependents
    WHERE status = 'approved'`;
}

/** Moves the jobs of waiting actions out of their delay, so they run now instead of at their next check. */
export async function wakeActions(deps: Pick<CoreDeps, "queue">, actionIds: readonly number[]): Promise<void> {
  for (const id of actionIds) await deps.queue.promoteExecution(id).catch(() => undefined);
}

/**
 * Wakes the actions that waited for these ones (see `waitingOnQuery`), once their end (executed,
 * failed, cancelled, back to pending) has committed. Blocked jobs check again less and less often,
 * so this is what keeps the next action on a target from waiting long. A wake-up that fails costs
 * the waiting job only its next check.
 */
export async function wakeWaitingOn(
  deps: Pick<CoreDeps, "db" | "queue" | "logger">,
  actions: readonly { id: number; tenantId: string; targetId: number | null }[],
): Promise<void> {
  try {
    for (const action of actions) {
      const waiting = await deps.db.$queryRaw<{ id: number }[]>(waitingOnQuery(action));
      await wakeActions(deps, waiting.map(({ id }) => id));
    }
  } catch (error) {
    deps.logger.warn({ err: error, actionIds: actions.map((action) => action.id) }, "waiting actions not woken; they run at their next check");
  }
}
