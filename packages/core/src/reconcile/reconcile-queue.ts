import { systemActor } from "../actor.ts";
import { recordEvent } from "../actions/record-event.ts";
import type { CoreDeps } from "../deps.ts";

export interface ReconcileOptions {
  /** Approved actions younger than this are left alone: their enqueue may still be on its way. */
  graceMs: number;
  /** Executing actions whose claim is older than this belong to a worker presumed dead. */
  staleClaimMs: number;
  batchSize?: number;
}

export interface ReconcileResult {
  requeuedActions: number[];
  requeuedReminders: number[];
}

/**
 * Postgres is the source of truth for what must still run; Redis may have lost jobs (a restart
 * without persistence, a FLUSHALL, an enqueue that failed after a commit). This finds approved
 * actions, stale executions and scheduled reminders that have no live job, and enqueues them again.
 */
export async function reconcileQueue(deps: CoreDeps, options: ReconcileOptions): Promise<ReconcileResult> {
  const now = deps.clock.now();
  const limit = options.batchSize ?? 1000;
  const candidates = await deps.db.agentAction.findMany({
    where: {
      OR: [
        { status: "approved", updatedAt: { lt: new Date(now.getTime() - options.graceMs) } },
        { status: "executing", claimedAt: { lt: new Date(now.getTime() - options.staleClaimMs) } },
      ],
    },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true, tenantId: true, status: true },
  });
  const requeuedActions: number[] = [];
  for (const action of candidates) {
    if (await deps.queue.hasLiveExecution(action.id)) continue;
    await deps.queue.enqueueExecutions([{ actionId: action.id, tenantId: action.tenantId }]);
    await recordEvent(deps.db, {
      tenantId: action.tenantId,
      actionId: action.id,
      type: "queued",
      actor: systemActor(action.tenantId, "reconciler"),
      details: { reason: action.status === "executing" ? "worker presumed dead; execution resumed" : "no job in the queue; enqueued again" },
    });
    requeuedActions.push(action.id);
  }

  const reminders = await deps.db.reminder.findMany({
    where: { status: "scheduled" },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true, tenantId: true, dueAt: true },
  });
  const requeuedReminders: number[] = [];
  for (const reminder of reminders) {
    if (await deps.queue.hasLiveReminder(reminder.id)) continue;
    await deps.queue.enqueueReminder({ reminderId: reminder.id, tenantId: reminder.tenantId, dueAt: reminder.dueAt });
    requeuedReminders.push(reminder.id);
  }
  return { requeuedActions, requeuedReminders };
}
