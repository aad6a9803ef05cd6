import { randomUUID } from "node:crypto";

import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  createBullActionQueue,
  MAX_BATCH_SIZE,
  proposeBatch,
  queueNames,
  reconcileQueue,
  setPreference,
  silentLogger,
  systemClock,
  type CoreDeps,
} from "@leash/core";
import {
  createTestEnvironment,
  createTestTenant,
  waitFor,
  type TestEnvironment,
  type TestTenant,
} from "@leash/core/testing";
import { createDb, type Db } from "@leash/db";

import { startTestWorker } from "./support.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let secondDb: Db;
/** A second worker process's view: its own connection pool and queue client on the same database and prefix. */
let secondDeps: CoreDeps;
/** The execution queue itself, to count its jobs. */
let executions: Queue;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  await setPreference(environment.deps, {
    actor: tenant.admin,
    input: { actionType: "notify", autoApprove: true },
  });
  secondDb = createDb({ connectionString: environment.database.url, maxConnections: 4 });
  secondDeps = {
    db: secondDb,
    queue: createBullActionQueue({ connection: environment.redis, prefix: environment.queuePrefix }),
    clock: systemClock,
    logger: silentLogger(),
  };
  executions = new Queue(queueNames.actions, { connection: environment.redis, prefix: environment.queuePrefix });
});

afterAll(async () => {
  await executions.close();
  await secondDeps.queue.close();
  await secondDb.$disconnect();
  await environment.close();
});

async function proposeNotifications(count: number, label: string): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < count; start += MAX_BATCH_SIZE) {
    const { actions } = await proposeBatch(environment.deps, {
      actor: tenant.agent,
      input: {
        actions: Array.from({ length: Math.min(MAX_BATCH_SIZE, count - start) }, (_, index) => ({
          actionType: "notify" as const,
          parameters: { channel: "in_app" as const, recipient: tenant.inbox, message: `${label} ${start + index}` },
        })),
      },
    });
    ids.push(...actions.map((action) => action.id));
  }
  return ids;
}

/** What a Redis restart without persistence does to this file's queue: every job is gone. */
async function loseAllJobs() {
  const keys = await environment.redis.keys(`${environment.queuePrefix}:*`);
  if (keys.length) await environment.redis.del(...keys);
}

async function reconcilerEvents(actionIds: number[]) {
  return environment.db.actionEvent.groupBy({
    by: ["actionId"],
    where: { actionId: { in: actionIds }, type: "queued", actorLabel: "reconciler" },
    _count: { _all: true },
  });
}

describe("the reconciler", () => {
  it("runs one pass at a time across workers: two passes at once record each lost job once", async () => {
    const ids = await proposeNotifications(300, "two reconcilers");
    await loseAllJobs();

    const options = { graceMs: 0, staleClaimMs: 30_000, batchSize: 50 };
    const [first, second] = await Promise.all([
      reconcileQueue(environment.deps, options),
      reconcileQueue(secondDeps, options),
    ]);

    expect(first.requeuedActions.length + second.requeuedActions.length).toBe(300);
    const events = await reconcilerEvents(ids);
    expect(events).toHaveLength(300);
    expect(events.every((row) => row._count._all === 1)).toBe(true);
    expect(await executions.getJobCounts("waiting")).toEqual({ waiting: 300 });

    // A pass after that finds every job alive and changes nothing.
    const again = await reconcileQueue(secondDeps, options);
    expect(again).toMatchObject({ ran: true, requeuedActions: [] });
  });

  it("resumes actions left executing by a dead worker, once each", async () => {
    const ids = await proposeNotifications(40, "dead worker");
    await loseAllJobs();
    // As a worker that claimed them and died leaves them: executing, claimed long ago, no job.
    await environment.db.agentAction.updateMany({
      where: { id: { in: ids } },
      data: {
        status: "executing",
        claimToken: "00000000-0000-4000-8000-000000000000",
        claimedAt: new Date(Date.now() - 60_000),
        attempts: 1,
      },
    });

    const result = await reconcileQueue(environment.deps, { graceMs: 0, staleClaimMs: 30_000 });
    expect(result.requeuedActions.filter((id) => ids.includes(id))).toEqual(ids);
    const worker = await startTestWorker(environment, { lockDurationMs: 30_000 });
    try {
      await waitFor(
        async () =>
          (await environment.db.agentAction.count({ where: { id: { in: ids }, status: "executed" } })) === 40,
        {
          timeoutMs: 30_000,
          what: "the taken-over actions to execute",
        },
      );
    } finally {
      await worker.close();
    }
    const effects = await environment.db.notification.groupBy({
      by: ["actionId"],
      where: { actionId: { in: ids } },
      _count: { _all: true },
    });
    expect(effects).toHaveLength(40);
    expect(effects.every((row) => row._count._all === 1)).toBe(true);
    const resumed = await environment.db.actionEvent.findMany({
      where: { actionId: { in: ids }, type: "queued", actorLabel: "reconciler" },
    });
    expect(resumed.map((event) => event.details)).toEqual(
      ids.map(() => ({ reason: "worker presumed dead; execution resumed" })),
    );
  });

  it("commits each page before reading the next: a page's lost jobs are recorded for everyone before the pass ends", async () => {
    const ids = await proposeNotifications(6, "page by page");
    await loseAllJobs();
    const last = ids.at(-1);
    let recordedBeforeLast: number | null = null;
    // The pass checks the last action's job in its last page; what another connection sees then is what earlier pages committed.
    const watching: CoreDeps = {
      ...environment.deps,
      queue: {
        ...environment.deps.queue,
        hasLiveExecution: async (actionId) => {
          if (actionId === last) recordedBeforeLast = (await reconcilerEvents(ids)).length;
          return environment.deps.queue.hasLiveExecution(actionId);
        },
      },
    };

    const result = await reconcileQueue(watching, { graceMs: 0, staleClaimMs: 30_000, batchSize: 2 });
    expect(result.requeuedActions.filter((id) => ids.includes(id))).toEqual(ids);
    // Pages of two: at least the four actions of the pages before the last one's are committed.
    expect(recordedBeforeLast).toBeGreaterThanOrEqual(4);
    expect(await reconcilerEvents(ids)).toHaveLength(6);
  });

  it("skips its turn while another worker holds the lease, takes over one its holder let expire, and lets it go", async () => {
    const ids = await proposeNotifications(3, "lease");
    await loseAllJobs();
    const options = { graceMs: 0, staleClaimMs: 30_000 };
    await secondDb.$executeRaw`
      INSERT INTO worker_lease (name, holder, expires_at) VALUES ('reconcile-queue', ${randomUUID()}::uuid, now() + interval '1 minute')`;

    expect(await reconcileQueue(environment.deps, options)).toEqual({ ran: false, requeuedActions: [], requeuedReminders: [] });
    expect(await reconcilerEvents(ids)).toEqual([]);

    // Its holder died mid-pass: once the lease expires, the next pass takes it over.
    await secondDb.$executeRaw`UPDATE worker_lease SET expires_at = now() - interval '1 second' WHERE name = 'reconcile-queue'`;
    const result = await reconcileQueue(environment.deps, options);
    expect(result.ran).toBe(true);
    expect(result.requeuedActions.filter((id) => ids.includes(id))).toEqual(ids);
    expect(await secondDb.workerLease.count()).toBe(0);
  });
});
