import { typesPerformedByAgents } from "../action-types/action-type-registry.ts";
import { systemActor } from "../actor.ts";
import { recordEvent } from "../actions/record-event.ts";
import type { CoreDeps } from "../deps.ts";

/** Advisory lock key of a reconciliation pass; any constant works, as long as every worker uses the same. */
const RECONCILE_LOCK_ID = 72707371;

export interface ReconcileOptions {
  /** Approved actions younger than this are left alone: their enqueue may still be on its way. */
  graceMs: number;
  /** Executing actions whose claim is older than this belong to a worker presumed dead. */
  staleClaimMs: number;
  /** Rows read per query; a pass goes through every candidate, page by page. */
  batchSize?: number;
}

export interface ReconcileResult {
  /** False when another process was reconciling the same database, so this pass did nothing. */
  ran: boolean;
  requeuedActions: number[];
  requeuedReminders: number[];
}

/**
 * Postgres is the source of truth for what must still run; Redis may have lost jobs (a restart
 * without persistence, a FLUSHALL, an enqueue that failed after a commit). This finds approved
 * actions, stale executions and scheduled reminders that have no live job, and enqueues them again.
 *
 * Every worker process reconciles on a timer. One pass at a time runs (a transaction-scoped
 * advisory lock, released by the commit), so two workers never both find the same missing job and
 * record it as `queued` twice; a worker that finds the lock taken skips its turn.
 */
export async function reconcileQueue(deps: CoreDeps, options: ReconcileOptions): Promise<ReconcileResult> {
  const limit = options.batchSize ?? 1000;
  return deps.db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${RECONCILE_LOCK_ID}) AS locked`;
      if (!lock?.locked) return { ran: false, requeuedActions: [], requeuedReminders: [] };

      const now = deps.clock.now();
      const due = {
        OR: [
          { status: "approved" as const, actionType: { notIn: typesPerformedByAgents() }, updatedAt: { lt: new Date(now.getTime() - options.graceMs) } },
          { status: "executing" as const, claimedAt: { lt: new Date(now.getTime() - options.staleClaimMs) } },
        ],
      };
      const requeuedActions: number[] = [];
      // Paged by id: a first page full of actions whose jobs are alive must not hide later ones without a job.
      for (let afterId = 0; ; ) {
        const candidates = await tx.agentAction.findMany({
          where: { id: { gt: afterId }, ...due },
          orderBy: { id: "asc" },
          take: limit,
          select: { id: true, tenantId: true, status: true },
        });
        for (const action of candidates) {
          if (await deps.queue.hasLiveExecution(action.id)) continue;
          // Its job may have finished since the page was read: only an action that is still due goes back.
          if ((await tx.agentAction.count({ where: { id: action.id, ...due } })) === 0) continue;
          await deps.queue.enqueueExecutions([{ actionId: action.id, tenantId: action.tenantId }]);
          await recordEvent(tx, {
            tenantId: action.tenantId,
            actionId: action.id,
            type: "queued",
            actor: systemActor(action.tenantId, "reconciler"),
            details: { reason: action.status === "executing" ? "worker presumed dead; execution resumed" : "no job in the queue; enqueued again" },
          });
          requeuedActions.push(action.id);
        }
        const last = candidates.at(-1);
        if (!last || candidates.length < limit) break;
        afterId = last.id;
      }

      const requeuedReminders: number[] = [];
      for (let afterId = 0; ; ) {
        const reminders = await tx.reminder.findMany({
          where: { id: { gt: afterId }, status: "scheduled" },
          orderBy: { id: "asc" },
          take: limit,
          select: { id: true, tenantId: true, dueAt: true },
        });
        for (const reminder of reminders) {
          if (await deps.queue.hasLiveReminder(reminder.id)) continue;
          await deps.queue.enqueueReminder({ reminderId: reminder.id, tenantId: reminder.tenantId, dueAt: reminder.dueAt });
          requeuedReminders.push(reminder.id);
        }
        const last = reminders.at(-1);
        if (!last || reminders.length < limit) break;
        afterId = last.id;
      }
      return { ran: true, requeuedActions, requeuedReminders };
    },
    // A pass over thousands of candidates takes a few Redis round trips each; the lock holds until it ends.
    { maxWait: 10_000, timeout: 300_000 },
  );
}
