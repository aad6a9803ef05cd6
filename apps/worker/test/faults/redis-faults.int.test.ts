import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { startFaultStack, type AppProcess, type FaultStack } from "./fault-stack.ts";
import { countOutcome, report, waitUntilSettled } from "./outcome.ts";

const IN_FLIGHT = 2000;
let stack: FaultStack;
let workers: AppProcess[];

beforeAll(async () => {
  stack = await startFaultStack();
  // Two worker processes, as in production: both reconcile, and the advisory lock keeps one pass at a time.
  workers = [stack.spawnWorker(), stack.spawnWorker()];
});

afterAll(async () => {
  await stack.close();
});

/** Runs 2,000 actions, applies `fault` once a few hundred have executed, and counts what became of them. */
async function runThrough(label: string, fault: () => Promise<void>) {
  const before = await stack.db.notification.count();
  const ids = await stack.proposeNotifications(IN_FLIGHT, label);
  await waitFor(async () => (await stack.db.notification.count()) - before >= 300, { timeoutMs: 120_000, intervalMs: 5, what: "a few hundred actions to execute" });
  await fault();
  const atFault = (await stack.db.notification.count()) - before;
  await waitUntilSettled(stack.db, ids);
  const figures = await countOutcome(stack.db, ids);
  await report(stack.db, label, ids, { ...figures, faults: 1 });
  console.info(`[faults] ${label}: ${atFault} executed before the fault`);
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
}

describe("Redis faults mid-run (Postgres is the source of truth; the reconciler re-enqueues)", () => {
  it("a Redis restart that loses every job: 2,000 actions executed exactly once", async () => {
    await runThrough("Redis restart", () => stack.redis.restart());
  });

  it("Redis emptied with FLUSHALL: 2,000 actions executed exactly once", async () => {
    await runThrough("Redis FLUSHALL", () => stack.redis.flushAll());
  });
});
