import { waitFor } from "@leash/core/testing";
import type { Db } from "@leash/db";

/** What became of a run's actions, counted from their effects and their audit trail. */
export interface RunFigures {
  inFlight: number;
  executed: number;
  /** Failed, rejected or cancelled, with the reason recorded. */
  terminalWithReason: number;
  /** Accepted but missing, still unfinished, or executed without its effect. */
  lost: number;
  /** Effects or `executed` events beyond one per action, or effects of an action that did not execute. */
  duplicated: number;
}

/** Waits until none of the actions is pending, approved or executing any more. */
export async function waitUntilSettled(db: Db, actionIds: number[], timeoutMs = 240_000): Promise<void> {
  await waitFor(
    async () => (await db.agentAction.count({ where: { id: { in: actionIds }, status: { in: ["pending", "approved", "executing"] } } })) === 0,
    { timeoutMs, intervalMs: 250, what: `${actionIds.length} actions to settle` },
  );
}

export async function countOutcome(db: Db, actionIds: number[]): Promise<RunFigures> {
  const ids = [...new Set(actionIds)];
  const actions = await db.agentAction.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, errorMessage: true, rejectionReason: true } });
  const notifications = await db.notification.groupBy({ by: ["actionId"], where: { actionId: { in: ids } }, _count: { _all: true } });
  const executedEvents = await db.actionEvent.groupBy({ by: ["actionId"], where: { actionId: { in: ids }, type: "executed" }, _count: { _all: true } });
  const effectsOf = new Map(notifications.map((row) => [row.actionId, row._count._all]));
  const eventsOf = new Map(executedEvents.map((row) => [row.actionId, row._count._all]));

  let executed = 0;
  let terminalWithReason = 0;
  let lost = ids.length - actions.length;
  let duplicated = 0;
  for (const action of actions) {
    const effects = effectsOf.get(action.id) ?? 0;
    const events = eventsOf.get(action.id) ?? 0;
    if (action.status === "executed") {
      executed += 1;
      if (effects === 0 || events === 0) lost += 1;
      duplicated += Math.max(0, effects - 1) + Math.max(0, events - 1);
    } else {
      duplicated += effects + events;
      const reason = action.status === "failed" ? action.errorMessage : action.status === "rejected" ? action.rejectionReason : action.status === "cancelled" ? "cancelled" : null;
      if (reason) terminalWithReason += 1;
      else lost += 1;
    }
  }
  return { inFlight: ids.length, executed, terminalWithReason, lost, duplicated };
}

/** How the system recovered: jobs the reconciler put back, and attempts started again after one was cut off. */
export async function countRecovery(db: Db, actionIds: number[]) {
  const [requeued, started, startedActions] = await Promise.all([
    db.actionEvent.count({ where: { actionId: { in: actionIds }, type: "queued", actorLabel: "reconciler" } }),
    db.actionEvent.count({ where: { actionId: { in: actionIds }, type: "started" } }),
    db.actionEvent.groupBy({ by: ["actionId"], where: { actionId: { in: actionIds }, type: "started" } }),
  ]);
  return { requeuedByReconciler: requeued, attemptsStartedAgain: started - startedActions.length };
}

/**
 * Accepted proposals (answered 200) whose action is not in Postgres under the key they were sent
 * with: a 200 must mean committed, whatever crashed after it.
 */
export async function acceptedButNotStored(db: Db, accepted: Map<string, number>): Promise<string[]> {
  const rows = await db.agentAction.findMany({ where: { id: { in: [...accepted.values()] } }, select: { id: true, idempotencyKey: true } });
  const keyOf = new Map(rows.map((row) => [row.id, row.idempotencyKey]));
  return [...accepted].filter(([key, id]) => keyOf.get(id) !== key).map(([key]) => key);
}
