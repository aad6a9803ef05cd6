import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startPrivateRedisCluster, waitFor, type PrivateRedisCluster } from "@leash/core/testing";

import { runAgentCrowd } from "./agents.ts";
import { freePort, QUEUE_PREFIX, startFaultStack, type AppProcess, type FaultStack } from "./fault-stack.ts";
import { acceptedButNotStored, countOutcome, waitUntilSettled } from "./outcome.ts";
import { recordScenario } from "./scenario-results.ts";

/** Half proposed in batches at once, so jobs wait in Redis at the kill; half by agents through the API, across it. */
const BATCHED = 1000;
const THROUGH_API = 1000;
/** How long the cluster waits for a master before its replica takes over: short, so the test does not wait 15 s (the default). */
const NODE_TIMEOUT_MS = 2_000;

let stack: FaultStack<PrivateRedisCluster>;
let api: AppProcess;
let workers: AppProcess[];
let apiUrl: string;

beforeAll(async () => {
  stack = await startFaultStack({ startRedis: () => startPrivateRedisCluster({ nodeTimeoutMs: NODE_TIMEOUT_MS }) });
  const port = await freePort();
  apiUrl = `http://127.0.0.1:${port}`;
  // Every app process gets REDIS_URL=redis+cluster://... (all six nodes as seeds), as in production.
  api = await stack.spawnApi(port);
  workers = [stack.spawnWorker(), stack.spawnWorker()];
}, 180_000);

afterAll(async () => {
  // Also kills the six redis-server processes, and deletes their directories.
  await stack.close();
});

describe("Redis Cluster: a master killed and its replica taking over mid-run", () => {
  it("the queues' master killed with SIGKILL while 16 agents propose: 2,000 actions executed exactly once, no 5xx, nothing stuck", async () => {
    // Every queue's keys share the prefix's hash tag, so one master serves them all: the one to kill.
    const master = await stack.redis.masterOf(QUEUE_PREFIX);
    const before = await stack.db.notification.count();
    const startedAt = Date.now();
    const batched = await stack.proposeNotifications(BATCHED, "cluster-batch");

    let accepted = 0;
    const crowd = runAgentCrowd({
      apiUrl,
      apiKey: stack.tenant.keys.agent,
      inbox: stack.tenant.inbox,
      total: THROUGH_API,
      concurrency: 16,
      label: "cluster-failover",
      onAccepted: (count) => {
        accepted = count;
      },
    });
    const fault = (async () => {
      // Once the workers run actions and a fifth of the agents' proposals are in: the batch's backlog still waits in Redis and the agents go on.
      await waitFor(async () => accepted >= THROUGH_API / 5 && (await stack.db.notification.count()) - before > 0, {
        // Generous: on a loaded machine the apps take a while to start taking work.
        timeoutMs: 240_000,
        intervalMs: 5,
        what: "the workers to run actions while the agents propose",
      });
      const jobsAtFault = await stack.pendingJobs();
      const killedAt = Date.now();
      await stack.redis.kill(master);
      const acceptedAtFault = accepted;
      const executedAtFault = (await stack.db.notification.count()) - before;
      const promoted = await stack.redis.waitForFailover(master);
      return { jobsAtFault, acceptedAtFault, executedAtFault, promoted, failoverMs: Date.now() - killedAt };
    })();
    const [run, atFault] = await Promise.all([crowd, fault]);

    // The kill hit work in flight: jobs waiting in the killed master, agents still proposing, most actions not yet run.
    expect(atFault.jobsAtFault).toBeGreaterThan(0);
    expect(atFault.acceptedAtFault).toBeLessThan(THROUGH_API);
    expect(atFault.executedAtFault).toBeLessThan(BATCHED + THROUGH_API);
    expect(atFault.promoted).not.toBe(master);
    expect(await stack.redis.masterOf(QUEUE_PREFIX)).toBe(atFault.promoted);

    // The API never answered with a 5xx: its Redis users (rate limits, enqueues) fell back while the slot had no master.
    expect(run.serverErrors).toBe(0);
    expect(await acceptedButNotStored(stack.db, run.accepted)).toEqual([]);
    const ids = [...batched, ...run.accepted.values()];
    expect(new Set(ids).size).toBe(BATCHED + THROUGH_API);

    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: BATCHED + THROUGH_API, executed: BATCHED + THROUGH_API, terminalWithReason: 0, lost: 0, duplicated: 0 });
    // Nothing stuck: no job is left waiting, active or delayed on the new master, and every process is still up.
    await waitFor(async () => (await stack.pendingJobs()) === 0, { timeoutMs: 60_000, intervalMs: 250, what: "the queue to empty" });
    for (const app of [api, ...workers]) expect(app.child.exitCode).toBeNull();

    await recordScenario(
      stack,
      "redis-cluster-master-sigkill",
      { actionIds: ids, outcome: figures, executedBeforeFault: atFault.executedAtFault, serverErrors: run.serverErrors, startedAt },
      { acceptedAtFault: atFault.acceptedAtFault, jobsAtFault: atFault.jobsAtFault, failoverMs: atFault.failoverMs, nodeTimeoutMs: NODE_TIMEOUT_MS },
    );
  });
});
