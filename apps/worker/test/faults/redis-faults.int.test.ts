import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { startFaultStack, type AppProcess, type FaultStack } from "./fault-stack.ts";
import { countOutcome, waitUntilSettled } from "./outcome.ts";
import { recordScenario } from "./scenario-results.ts";

const IN_FLIGHT = 2000;
let stack: FaultStack;
let workers: AppProcess[];

beforeAll(async () => {
  stack = await startFaultStack();
  // Two worker processes, as in production: both reconcile, and the reconciler's lease keeps one pass at a time.
  workers = [stack.spawnWorker(), stack.spawnWorker()];
});

afterAll(async () => {
  await stack.close();
});

/**
 * Runs 2,000 actions, applies `fault` once a hundred have executed, and counts what became of them.
 * The jobs must still be waiting when it strikes, not only the ones the two workers hold (up to 128
 * each, which finish anyway): the queue is paused while the actions are proposed (a backlog of
 * 2,000), and the fault strikes soon after it resumes. Without the pause, the workers kept up with
 * the proposals on a slow host, took every job left before FLUSHALL, and the reconciler then had
 * nothing to put back.
 */
async function runThrough(scenario: "redis-restart" | "redis-flushall", fault: () => Promise<void>) {
  const before = await stack.db.notification.count();
  const startedAt = Date.now();
  const ids = await stack.proposeNotifications(IN_FLIGHT, scenario, { backlog: true });
  await waitFor(async () => (await stack.db.notification.count()) - before >= 100, { timeoutMs: 120_000, intervalMs: 5, what: "a hundred actions to execute" });
  const jobsAtFault = await stack.pendingJobs();
  await fault();
  const atFault = (await stack.db.notification.count()) - before;
  // The fault threw away jobs still to run, not an empty queue.
  expect(jobsAtFault).toBeGreaterThan(0);
  await waitUntilSettled(stack.db, ids);
  const figures = await countOutcome(stack.db, ids);
  expect(atFault).toBeLessThan(IN_FLIGHT);
  expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
  for (const worker of workers) expect(worker.child.exitCode).toBeNull();
  // Each lost job was put back once, not once per worker.
  const requeued = await stack.db.actionEvent.groupBy({
    by: ["actionId"],
    where: { actionId: { in: ids }, type: "queued", actorLabel: "reconciler" },
    _count: { _all: true },
  });
  expect(requeued.length).toBeGreaterThan(0);
  expect(requeued.filter((row) => row._count._all > 1)).toEqual([]);
  await recordScenario(stack, scenario, { actionIds: ids, outcome: figures, executedBeforeFault: atFault, serverErrors: null, startedAt }, { jobsAtFault });
}

describe("Redis faults mid-run (Postgres is the source of truth; the reconciler re-enqueues)", () => {
  it("a Redis restart that loses every job: 2,000 actions executed exactly once", async () => {
    await runThrough("redis-restart", () => stack.redis.restart());
  });

  it("Redis emptied with FLUSHALL: 2,000 actions executed exactly once", async () => {
    await runThrough("redis-flushall", () => stack.redis.flushAll());
  });
});
