import { once } from "node:events";

import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBullActionQueue, createRedisConnection, createThrottle, createWaitSlots, queueNames, silentLogger, type RedisConnection } from "../src/index.ts";
import { startPrivateRedisCluster, waitFor, type PrivateRedisCluster } from "../src/testing/index.ts";

let cluster: PrivateRedisCluster;
const connections: RedisConnection[] = [];
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  cluster = await startPrivateRedisCluster();
}, 120_000);

afterAll(async () => {
  for (const close of closers.reverse()) await close();
  for (const connection of connections) connection.disconnect();
  await cluster.destroy();
});

/** A connection as an app opens it (createRedisConnection), ready before the test uses it. */
async function connect(role: "producer" | "worker" | "subscriber"): Promise<RedisConnection> {
  const connection = createRedisConnection({ url: cluster.url, role, name: role, logger: silentLogger() });
  connections.push(connection);
  if (connection.status !== "ready") await once(connection, "ready");
  return connection;
}

describe("Leash's Redis users on a real Redis Cluster (three masters, three replicas)", () => {
  it("opens a Cluster client for a redis+cluster:// URL, whatever the role", async () => {
    for (const role of ["producer", "worker", "subscriber"] as const) {
      const connection = await connect(role);
      expect(connection.isCluster).toBe(true);
      expect(await connection.ping()).toBe("PONG");
    }
  });

  it("runs the queues under a hash-tagged prefix, and a prefix without one fails as Redis Cluster refuses keys of several slots", async () => {
    const producer = await connect("producer");
    const prefix = "{leash-cluster-test}";
    const queue = createBullActionQueue({ connection: producer, prefix });
    closers.push(() => queue.close());
    await queue.enqueueExecutions([{ actionId: 7, tenantId: "8d6a7f7e-58b4-4b8c-9e7a-3f5b1f0c2d11" }]);
    expect(await queue.hasLiveExecution(7)).toBe(true);

    const ran: string[] = [];
    const worker = new Worker(queueNames.actions, (job) => Promise.resolve(void ran.push(job.id ?? "")), { connection: await connect("worker"), prefix });
    closers.push(() => worker.close());
    await waitFor(() => Promise.resolve(ran.length === 1), { timeoutMs: 15_000, intervalMs: 50, what: "the worker to run the job" });
    expect(ran).toEqual(["action-7"]);
    // The job is marked completed just after its processor returns.
    await waitFor(async () => !(await queue.hasLiveExecution(7)), { timeoutMs: 15_000, intervalMs: 50, what: "the job to complete" });

    const untagged = new Queue(queueNames.actions, { connection: producer, prefix: "leash-cluster-untagged" });
    closers.push(() => untagged.close());
    await expect(untagged.add("execute-action", { actionId: 8 })).rejects.toThrow(/CROSSSLOT/);
  });

  it("counts throttled attempts and wait slots in the cluster, shared by two instances' connections", async () => {
    const prefix = "{leash-cluster-test}";
    const refusal = () => "over";
    const [first, second] = [
      createThrottle({ redis: await connect("producer"), prefix, name: "cluster", limit: 2, windowSeconds: 600, refusal }),
      createThrottle({ redis: await connect("producer"), prefix, name: "cluster", limit: 2, windowSeconds: 600, refusal }),
    ];
    await first.hit("10.0.0.1");
    await second.hit("10.0.0.1");
    await expect(first.check("10.0.0.1")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await second.forgive("10.0.0.1");
    await first.check("10.0.0.1");

    const slots = [await connect("producer"), await connect("producer")].map((redis) => createWaitSlots({ redis, prefix, maxPerKey: 2, logger: silentLogger() }));
    const held = [await slots[0]?.acquire("key-1"), await slots[1]?.acquire("key-1")];
    await expect(slots[0]?.acquire("key-1")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await held[0]?.release();
    const again = await slots[1]?.acquire("key-1");
    await again?.release();
    await held[1]?.release();
  });

  it("delivers a message published through any node to a subscriber connection", async () => {
    const subscriber = await connect("subscriber");
    const publisher = await connect("producer");
    const heard: string[] = [];
    subscriber.on("message", (_channel: string, message: string) => heard.push(message));
    await subscriber.subscribe("{leash-cluster-test}:probe");
    await waitFor(
      async () => {
        await publisher.publish("{leash-cluster-test}:probe", "42");
        return heard.length > 0;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: "the subscriber to hear a message" },
    );
    expect(heard[0]).toBe("42");
  });
});
