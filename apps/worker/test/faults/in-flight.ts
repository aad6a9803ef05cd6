import type { Db } from "@leash/db";

import type { AppProcess } from "./fault-stack.ts";

/** Of `actionIds`, those executing under a claim the worker process `pid` took (its `started` event names the worker). */
export async function claimsHeldBy(db: Db, pid: number, actionIds: number[]): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number }[]>`
    SELECT a.id FROM agent_action a
    JOIN action_event e ON e.action_id = a.id AND e.type = 'started' AND (e.details->>'attempt')::int = a.attempts
    WHERE a.id = ANY(${actionIds}::int[]) AND a.status = 'executing' AND e.details->>'worker' LIKE ${`%:${pid}:%`}`;
  return rows.map((row) => row.id);
}

/** Statements still running on the process's connections (it must have some, or "none" means nothing). */
async function statementsRunning(db: Db, appName: string): Promise<number> {
  const [row] = await db.$queryRaw<{ connections: number; running: number }[]>`
    SELECT count(*)::int AS connections, (count(*) FILTER (WHERE state = 'active'))::int AS running
    FROM pg_stat_activity WHERE application_name = ${appName}`;
  if (!row?.connections) throw new Error(`no Postgres connection is named ${appName}`);
  return row.running;
}

/**
 * Freezes a worker process (SIGSTOP) at a moment it holds at least one claim, and answers the
 * actions it holds. Frozen, it sends nothing more, so once none of its statements still runs in
 * Postgres, the database shows exactly what a kill or a stop sent now leaves behind; reading it
 * after the signal instead would race the worker's last commits. A moment it holds nothing, or one
 * where a statement of it waits on its own frozen transaction, is let go (SIGCONT) and tried again.
 * `actionIds` may be a function, read again at each try, for a run whose actions are still being
 * proposed: workers that keep up with the proposals have executed every action of an early list
 * and then only hold later ones.
 */
export async function freezeHoldingClaims(
  db: Db,
  worker: AppProcess,
  actionIds: number[] | (() => Promise<number[]>),
  timeoutMs = 60_000,
): Promise<number[]> {
  const pid = worker.child.pid;
  if (pid === undefined) throw new Error(`${worker.appName} has no process id`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (worker.child.exitCode !== null)
      throw new Error(`${worker.appName} exited with code ${worker.child.exitCode}`);
    worker.child.kill("SIGSTOP");
    const settleBy = Date.now() + 1_000;
    let running = await statementsRunning(db, worker.appName);
    while (running > 0 && Date.now() < settleBy) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      running = await statementsRunning(db, worker.appName);
    }
    const held = running === 0 ? await claimsHeldBy(db, pid, typeof actionIds === "function" ? await actionIds() : actionIds) : [];
    if (held.length > 0) return held;
    worker.child.kill("SIGCONT");
    if (Date.now() > deadline)
      throw new Error(`${worker.appName} held no claim at any moment in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
