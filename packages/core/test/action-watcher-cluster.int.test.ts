import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { rejectAction } from "../src/decisions/reject-action.ts";
import { silentLogger } from "../src/logger.ts";
import { createBullActionQueue } from "../src/queue/action-queue.ts";
import { actionChangedChannel } from "../src/queue/queue-definitions.ts";
import { createRedisConnection } from "../src/redis/create-redis-connection.ts";
import { actionVersion, createActionWatcher, type ActionWatcher } from "../src/waiting/action-watcher.ts";
import { createTestEnvironment, createTestTenant, startPrivateRedisCluster, waitFor, type PrivateRedisCluster, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let cluster: PrivateRedisCluster;
let watcher: ActionWatcher;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  cluster = await startPrivateRedisCluster();
  // The poll never runs within the test: only an announcement can wake a wait.
  const subscriber = createRedisConnection({ url: cluster.url, role: "subscriber", name: "action changes", logger: silentLogger() });
  watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), subscriber, prefix: environment.queuePrefix, intervalMs: 600_000 });
}, 120_000);

afterAll(async () => {
  watcher.close();
  await cluster.destroy();
  await environment.close();
});

async function pendingAction() {
  return environment.db.agentAction.create({
    data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "notify", parameters: { channel: "email", recipient: "a@example.com", message: "hi" } },
  });
}

async function nextChange(action: Awaited<ReturnType<typeof pendingAction>>) {
  const bound = AbortSignal.timeout(15_000);
  await watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since: watcher.mark(), signal: bound });
  return !bound.aborted;
}

describe("the action watcher on a Redis Cluster", () => {
  it("hears an announcement published on any node of the cluster, its subscription's node or another", async () => {
    const channel = actionChangedChannel.name(environment.queuePrefix);
    // Wait until the subscription is up: an announcement on every node until one wakes a first wait.
    const first = await pendingAction();
    const ready = nextChange(first);
    const probe = new Redis(cluster.nodes[0]?.port ?? 0, "127.0.0.1");
    const woken = ready.then(() => "woken" as const);
    for (;;) {
      await probe.publish(channel, JSON.stringify([first.id]));
      if ((await Promise.race([woken, new Promise((resolve) => setTimeout(resolve, 50, "again"))])) === "woken") break;
    }
    probe.disconnect();
    expect(await ready).toBe(true);

    for (const node of cluster.nodes) {
      const action = await pendingAction();
      const waiting = nextChange(action);
      const publisher = new Redis(node.port, "127.0.0.1");
      await publisher.publish(channel, JSON.stringify([action.id]));
      expect(await waiting).toBe(true);
      publisher.disconnect();
    }
  });

  it("wakes a waiter when a writer's queue runs on the cluster", async () => {
    const connection = createRedisConnection({ url: cluster.url, role: "producer", name: "producer", logger: silentLogger() });
    const queue = createBullActionQueue({ connection, prefix: environment.queuePrefix });
    // A producer fails fast, so it must be connected before the writer publishes.
    await waitFor(() => Promise.resolve(connection.status === "ready"), { what: "the producer connected to the cluster" });
    const action = await pendingAction();
    const waiting = nextChange(action);
    await rejectAction({ ...environment.deps, queue }, { actor: tenant.approver, input: { actionId: action.id, reason: "no" } });
    expect(await waiting).toBe(true);
    await queue.close();
    connection.disconnect();
  });
});
