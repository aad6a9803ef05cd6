import { once } from "node:events";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { Actor } from "../src/actor.ts";
import { CoreError } from "../src/errors.ts";
import { createApiKeyLookupThrottle, createThrottle, throttleApiKeyLookups } from "../src/index.ts";
import { createTestEnvironment, testRedisUrl, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;
const clients: Redis[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await environment.close();
});

/** A connection as the apps open theirs (fail fast, no offline queue), connected before the test counts. */
async function appRedis(url = testRedisUrl): Promise<Redis> {
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  client.on("error", () => undefined);
  clients.push(client);
  if (url === testRedisUrl && client.status !== "ready") await once(client, "ready");
  return client;
}

const refusal = (retryAfterMs: number) => `over; retry in ${Math.ceil(retryAfterMs / 1000)} s`;
const failure = (attempt: Promise<unknown>) => attempt.then(() => null, (caught: unknown) => caught);

describe("createThrottle", () => {
  it("counts attempts per key across instances in Redis, refuses the one too many, and check counts nothing", async () => {
    const options = { prefix: environment.queuePrefix, name: "shared", limit: 2, windowSeconds: 600, refusal };
    const [first, second] = [createThrottle({ redis: await appRedis(), ...options }), createThrottle({ redis: await appRedis(), ...options })];
    await first.check("a");
    await first.hit("a");
    await first.check("a");
    await second.hit("a");
    const refused = await failure(second.check("a"));
    expect(refused).toBeInstanceOf(CoreError);
    expect(refused).toMatchObject({ code: "LIMIT_EXCEEDED", retryable: true });
    expect((refused as CoreError).retryAfterMs).toBeGreaterThan(590_000);
    expect((refused as CoreError).message).toMatch(/^over; retry in \d+ s$/);
    await expect(first.hit("a")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await second.hit("b");
  });

  it("takes back a forgiven attempt", async () => {
    const throttle = createThrottle({ redis: await appRedis(), prefix: environment.queuePrefix, name: "forgive", limit: 1, windowSeconds: 600, refusal });
    await throttle.hit("a");
    await throttle.forgive("a");
    await throttle.check("a");
    await throttle.hit("a");
    await expect(throttle.hit("a")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });

  it("keeps counting in memory, per process, while Redis does not answer", async () => {
    const throttle = createThrottle({ redis: await appRedis("redis://127.0.0.1:1"), prefix: environment.queuePrefix, name: "offline", limit: 2, windowSeconds: 600, refusal });
    await throttle.hit("a");
    await throttle.hit("a");
    await expect(throttle.check("a")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await expect(throttle.hit("a")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
  });
});

describe("throttleApiKeyLookups", () => {
  const agent: Actor = { kind: "api_key", tenantId: "t", apiKeyId: "k", role: "agent", label: "agent", ownerId: null };

  function fakeLookups() {
    let lookups = 0;
    return {
      lookups: () => lookups,
      authenticate: (presented: string | undefined) => {
        lookups += 1;
        return presented === "good" ? Promise.resolve(agent) : Promise.reject(new CoreError("UNAUTHORIZED", "A valid API key is required"));
      },
    };
  }

  it("stops looking keys up for an address once it presented too many refused ones; accepted keys count nothing", async () => {
    const keys = fakeLookups();
    const throttle = createApiKeyLookupThrottle({ redis: await appRedis(), prefix: `${environment.queuePrefix}:lookups`, limits: { limit: 3, windowSeconds: 60 } });
    const authenticate = throttleApiKeyLookups(keys.authenticate, throttle);
    for (let index = 0; index < 5; index += 1) expect(await authenticate("good", "198.51.100.1")).toEqual(agent);
    for (let index = 0; index < 3; index += 1) await expect(authenticate(`bogus-${index}`, "198.51.100.1")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const lookupsBefore = keys.lookups();

    const refused = await failure(authenticate("bogus-3", "198.51.100.1"));
    expect(refused).toMatchObject({ code: "LIMIT_EXCEEDED", message: expect.stringMatching(/^Too many requests with an invalid API key from this address; retry after \d+ s$/) });
    // The same address as IPv4 mapped into IPv6 is the same client; a valid key from it waits too.
    await expect(authenticate("good", "::ffff:198.51.100.1")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    expect(keys.lookups()).toBe(lookupsBefore);

    expect(await authenticate("good", "198.51.100.2")).toEqual(agent);
    await expect(authenticate("bogus", "198.51.100.2")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("counts an IPv6 client by its /64", async () => {
    const keys = fakeLookups();
    const throttle = createApiKeyLookupThrottle({ redis: await appRedis(), prefix: `${environment.queuePrefix}:v6`, limits: { limit: 2, windowSeconds: 60 } });
    const authenticate = throttleApiKeyLookups(keys.authenticate, throttle);
    await expect(authenticate("bogus", "2001:db8:1:2::1")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(authenticate("bogus", "2001:db8:1:2:ffff::9")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(authenticate("bogus", "2001:db8:1:2:abcd::3")).rejects.toMatchObject({ code: "LIMIT_EXCEEDED" });
    await expect(authenticate("bogus", "2001:db8:1:3::1")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("without a throttle only authenticates", async () => {
    const keys = fakeLookups();
    const authenticate = throttleApiKeyLookups(keys.authenticate, undefined);
    for (let index = 0; index < 3; index += 1) await expect(authenticate("bogus", "198.51.100.9")).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(keys.lookups()).toBe(3);
  });
});
