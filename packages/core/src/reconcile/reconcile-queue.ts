import { Prisma, sqlFor, type DbTransaction } from "@leash/db";

import { typesPerformedByAgents } from "../action-types/action-type-registry.ts";
import { systemActor } from "../actor.ts";
import { recordEvent } from "../actions/record-event.ts";
import type { CoreDeps } from "../deps.ts";
import { acquireLease, type Lease } from "./acquire-lease.ts";

/**
 * One pass at a time across every worker. A lease row, not an advisory lock: a transaction-scoped
 * lock held one transaction open for the whole pass (minutes over a large backlog, its snapshot
 * holding back vacuum), and a session-scoped one needs a connection pinned for the pass, which the
 * pooled Prisma client does not hand out. Its pages commit one by one under the lease instead.
 */
const LEASE = {
  name: "reconcile-queue",
  // A worker that dies mid-pass keeps the others out this long; a page is cut off well before. A page
  // costs a few round trips per candidate: on a machine loaded past its cores (load 20 on 2 cores in
  // the fault suite) 200 of them overran 15 s and every pass failed, so pages are smaller and the
  // cut-off is wider.
  ttlMs: 45_000,
  stepTimeoutMs: 30_000,
};

export interface ReconcileOptions {
  /** Approved actions younger than this are left alone: their enqueue may still be on its way. */
  graceMs: number;
  /** Executing actions whose claim is older than this belong to a worker presumed dead. */
  staleClaimMs: number;
  /** Rows read per page; a pass goes through every candidate, a page per transaction. */
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
 * Every worker process reconciles on a timer; a worker that finds the lease taken skips its turn, so
 * two workers never both find the same missing job and record it as `queued` twice. Each page's
 * checks, enqueues and `queued` events commit together before the next page is read.
 */
export async function reconcileQueue(deps: CoreDeps, options: ReconcileOptions): Promise<ReconcileResult> {
  const lease = await acquireLease(deps.db, LEASE);
  if (!lease) return { ran: false, requeuedActions: [], requeuedReminders: [] };
  try {
    const limit = options.batchSize ?? 50;
    const now = deps.clock.now();
    const due = dueForRequeue({ graceBefore: new Date(now.getTime() - options.graceMs), staleClaimBefore: new Date(now.getTime() - options.staleClaimMs) });
    const actions = await pageThrough(lease, {
      limit,
      read: (tx, afterId) => sqlFor(tx).query<{ id: number; tenantId: string; status: string }>(requeueCandidates({ afterId, due, limit })),
      requeue: async (tx, action) => {
        if (await deps.queue.hasLiveExecution(action.id)) return false;
        // Its job may have finished since the page was read: only an action that is still due goes back.
        const [still] = await sqlFor(tx).query<{ due: boolean }>(Prisma.sql`SELECT EXISTS (SELECT 1 FROM agent_action WHERE id = ${action.id} AND ${due}) AS due`);
        if (!still?.due) return false;
        await deps.queue.enqueueExecutions([{ actionId: action.id, tenantId: action.tenantId }]);
        await recordEvent(tx, {
          tenantId: action.tenantId,
          actionId: action.id,
          type: "queued",
          actor: systemActor(action.tenantId, "reconciler"),
          details: { reason: action.status === "executing" ? "worker presumed dead; execution resumed" : "no job in the queue; enqueued again" },
        });
        return true;
      },
    });
    const reminders = actions.complete
      ? await pageThrough(lease, {
          limit,
          read: (tx, afterId) =>
            sqlFor(tx).query<{ id: number; tenantId: string; dueAt: Date }>(remindersToRequeue({ afterId, limit })),
          requeue: async (_tx, reminder) => {
            if (await deps.queue.hasLiveReminder(reminder.id)) return false;
            await deps.queue.enqueueReminder({ reminderId: reminder.id, tenantId: reminder.tenantId, dueAt: reminder.dueAt });
            return true;
          },
        })
      : { complete: false, requeued: [] };
    if (!reminders.complete) deps.logger.warn("reconciliation pass stopped: another worker took over its lease after it stalled");
    return { ran: true, requeuedActions: actions.requeued, requeuedReminders: reminders.requeued };
  } finally {
    await lease.release().catch((error: unknown) => {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "reconciliation lease not released; it expires by itself");
    });
  }
}

/**
 * What makes an action due to go back to the queue: approved a while ago (not by its agent, who
 * carries it out itself), or executing under a claim older than a live worker's. Statuses are written
 * into the text, never bound: a prepared statement's generic plan cannot match a bound status to the
 * partial index of approved and executing actions, and walked every action of the table by id
 * instead (about 0.6 s per page on two million finished actions).
 */
export function dueForRequeue({ graceBefore, staleClaimBefore }: { graceBefore: Date; staleClaimBefore: Date }): Prisma.Sql {
  return Prisma.sql`(
    (status = 'approved' AND action_type <> ALL(${typesPerformedByAgents()}::text[]) AND updated_at < ${graceBefore}::timestamptz)
    OR (status = 'executing' AND claimed_at < ${staleClaimBefore}::timestamptz))`;
}

/** A page of the actions due to go back to the queue, after `afterId` by id. */
export function requeueCandidates({ afterId, due, limit }: { afterId: number; due: Prisma.Sql; limit: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT id, tenant_id::text AS "tenantId", status::text AS status FROM agent_action
    WHERE id > ${afterId} AND ${due} ORDER BY id LIMIT ${limit}`;
}

/** A page of the scheduled reminders after `afterId` by id (the status written into the text, as above). */
export function remindersToRequeue({ afterId, limit }: { afterId: number; limit: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT id, tenant_id::text AS "tenantId", due_at AS "dueAt" FROM reminder
    WHERE status = 'scheduled' AND id > ${afterId} ORDER BY id LIMIT ${limit}`;
}

/**
 * Goes through rows by id, a page per transaction under the lease: paged by id, since a first page
 * full of rows whose jobs are alive must not hide later ones without a job. `complete` is false when
 * the lease was lost, and the rest is left to whoever holds it now.
 */
async function pageThrough<Row extends { id: number }>(
  lease: Lease,
  page: { limit: number; read: (tx: DbTransaction, afterId: number) => Promise<Row[]>; requeue: (tx: DbTransaction, row: Row) => Promise<boolean> },
): Promise<{ complete: boolean; requeued: number[] }> {
  const requeued: number[] = [];
  for (let afterId = 0; ; ) {
    const done = await lease.step(async (tx) => {
      const rows = await page.read(tx, afterId);
      const put: number[] = [];
      for (const row of rows) if (await page.requeue(tx, row)) put.push(row.id);
      return { put, lastId: rows.at(-1)?.id, full: rows.length === page.limit };
    });
    if (!done) return { complete: false, requeued };
    requeued.push(...done.put);
    if (done.lastId === undefined || !done.full) return { complete: true, requeued };
    afterId = done.lastId;
  }
}
