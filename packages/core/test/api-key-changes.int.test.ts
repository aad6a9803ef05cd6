import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { announceApiKeyChanges, listenForApiKeyChanges } from "../src/auth/api-key-changes.ts";
import { silentLogger } from "../src/logger.ts";
import { apiKeysChangedChannel } from "../src/queue/queue-definitions.ts";
import { createTestEnvironment, testRedisUrl, waitFor, type TestEnvironment } from "../src/testing/index.ts";

let environment: TestEnvironment;

beforeAll(async () => {
  environment = await createTestEnvironment();
});

afterAll(async () => {
  await environment.close();
});

/**
 * A listener on a connection of its own, subscribed, and every tenant it was told to forget (null:
 * all of them) from then on. Subscribing at once and again when the connection is ready may forget
 * every tenant twice at the start: what it forgets then is checked apart, and left out.
 */
async function listening() {
  const forgotten: (string | null)[] = [];
  const subscriber = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
  const stop = listenForApiKeyChanges({ subscriber, prefix: environment.queuePrefix, logger: silentLogger(), forget: (tenantId) => forgotten.push(tenantId) });
  const channel = apiKeysChangedChannel.name(environment.queuePrefix);
  await waitFor(async () => ((await environment.redis.pubsub("NUMSUB", channel)) as [string, number])[1] > 0, { what: "the listener subscribed" });
  await waitFor(() => Promise.resolve(forgotten.length > 0), { what: "the first forget" });
  const atStart = forgotten.splice(0);
  return { atStart, forgotten, stop, channel };
}

describe("the API key changes heard by an API process", () => {
  it("forgets every tenant once subscribed, then the tenant each announcement names", async () => {
    const { atStart, forgotten, stop } = await listening();
    expect(new Set(atStart)).toEqual(new Set([null]));

    const tenantId = randomUUID();
    await announceApiKeyChanges(environment.deps, tenantId);
    await waitFor(() => Promise.resolve(forgotten.length > 0), { what: "the announcement heard" });
    expect(forgotten).toEqual([tenantId]);
    stop();
  });

  it("forgets every tenant for a message it cannot read, which may have named any", async () => {
    const { forgotten, stop, channel } = await listening();
    const tenantId = randomUUID();
    for (const message of ["not json", "{}", '{"tenantId":"not a uuid"}', "[1]", JSON.stringify({ tenantId })]) await environment.redis.publish(channel, message);
    await waitFor(() => Promise.resolve(forgotten.length === 5), { what: "every message heard" });
    expect(forgotten).toEqual([null, null, null, null, tenantId]);
    stop();
  });

  it("hears nothing once stopped", async () => {
    const { forgotten, stop, channel } = await listening();
    stop();
    // A second listener, still subscribed, shows when the announcement has been delivered.
    const other = await listening();
    const tenantId = randomUUID();
    await environment.redis.publish(channel, JSON.stringify({ tenantId }));
    await waitFor(() => Promise.resolve(other.forgotten.includes(tenantId)), { what: "the other listener hearing it" });
    expect(forgotten).toEqual([]);
    other.stop();
  });
});
