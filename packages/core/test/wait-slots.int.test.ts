import { randomBytes, randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { CoreError } from "../src/errors.ts";
import { silentLogger } from "../src/logger.ts";
import { testRedisUrl, waitFor } from "../src/testing/test-environment.ts";
import { createWaitSlots, type WaitSlot, type WaitSlotsOptions } from "../src/waiting/wait-slots.ts";

// A prefix of this file's own, as an API instance's queue prefix.
const prefix = `{leash-test-${randomBytes(4).toString("hex")}}`;
let redis: Redis;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(() => {
  redis = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

/** One API instance's slots, on a Redis connection of its own that fails fast, as the API's does. */
async function instance(options: Partial<WaitSlotsOptions> = {}) {
  const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
  cleanups.push(() => {
    connection.disconnect();
    return Promise.resolve();
  });
  await new Promise((resolve) => connection.once("ready", resolve));
  return { connection, slots: createWaitSlots({ redis: connection, prefix, logger: silentLogger(), ...options }) };
}

function held(slot: WaitSlot) {
  cleanups.push(() => slot.release());
  return slot;
}

const redisNow = async () => {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
};

describe("wait slots", () => {
  it("cap each key's open waits across instances, per key, and free a slot on release", async () => {
    const key = randomUUID();
    const a = await instance({ maxPerKey: 3 });
    const b = await instance({ maxPerKey: 3 });
    const first = held(await a.slots.acquire(key));
    held(await b.slots.acquire(key));
    held(await a.slots.acquire(key));

    const refusal = await b.slots.acquire(key).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CoreError);
    expect(refusal).toMatchObject({ code: "LIMIT_EXCEEDED", retryable: true, message: expect.stringContaining("3 waits and watches open at once") });
    await expect(a.slots.acquire(key)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    // Another key of the same tenant has its own count.
    held(await b.slots.acquire(randomUUID()));

    await first.release();
    held(await b.slots.acquire(key));
    expect(await redis.zcard(`${prefix}:wait-slots:${key}`)).toBe(3);
  });

  it("free the slots of a crashed instance once they expire, pruned by the next acquire", async () => {
    const key = randomUUID();
    // The survivor's live slot keeps the key's set alive: only pruning can free the crashed slot.
    const survivor = await instance({ maxPerKey: 2 });
    held(await survivor.slots.acquire(key));
    const crashing = await instance({ maxPerKey: 2, ttlMs: 600 });
    held(await crashing.slots.acquire(key));
    // The instance dies: it neither refreshes nor releases its slot any more.
    crashing.connection.disconnect();

    await expect(survivor.slots.acquire(key)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    const slot = await waitFor(() => survivor.slots.acquire(key).catch(() => undefined), { what: "the crashed instance's slot to expire" });
    held(slot);
    expect(await redis.zcard(`${prefix}:wait-slots:${key}`)).toBe(2);
  });

  it("keep a live slot past its first expiry by refreshing it", async () => {
    const key = randomUUID();
    const setKey = `${prefix}:wait-slots:${key}`;
    const a = await instance({ maxPerKey: 1, ttlMs: 600 });
    held(await a.slots.acquire(key));
    const [, firstExpiry] = await redis.zrange(setKey, "0", "0", "WITHSCORES");
    await waitFor(async () => (await redisNow()) > Number(firstExpiry) + 100, { what: "the slot's first expiry to pass" });

    await expect((await instance({ maxPerKey: 1 })).slots.acquire(key)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(await redis.zcard(setKey)).toBe(1);
  });

  it("count this instance's own slots while Redis does not answer", async () => {
    const key = randomUUID();
    const unreachable = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    cleanups.push(() => {
      unreachable.disconnect();
      return Promise.resolve();
    });
    const slots = createWaitSlots({ redis: unreachable, prefix, maxPerKey: 2, logger: silentLogger() });
    const first = held(await slots.acquire(key));
    held(await slots.acquire(key));
    await expect(slots.acquire(key)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await first.release();
    held(await slots.acquire(key));
  });

  it("count in the process alone without Redis", async () => {
    const key = randomUUID();
    const slots = createWaitSlots({ maxPerKey: 1, logger: silentLogger() });
    const first = held(await slots.acquire(key));
    await expect(slots.acquire(key)).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await first.release();
    held(await slots.acquire(key));
  });
});
