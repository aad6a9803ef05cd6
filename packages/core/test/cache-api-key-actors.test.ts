import { describe, expect, it } from "vitest";

import type { Actor } from "../src/actor.ts";
import { cacheApiKeyActors } from "../src/auth/cache-api-key-actors.ts";
import { CoreError } from "../src/errors.ts";

const agent: Actor = { kind: "api_key", tenantId: "t", apiKeyId: "k", role: "agent", label: "agent", ownerId: null };
const otherTenants: Actor = { ...agent, tenantId: "u", apiKeyId: "l" };

function fakeKeys() {
  const valid = new Set(["key-a", "key-u"]);
  let lookups = 0;
  return {
    valid,
    lookups: () => lookups,
    authenticate: (presented: string | undefined) => {
      lookups += 1;
      if (presented === undefined || !valid.has(presented)) return Promise.reject(new CoreError("UNAUTHORIZED", "no"));
      return Promise.resolve(presented === "key-u" ? otherTenants : agent);
    },
  };
}

describe("the API key cache", () => {
  it("asks the database once per key within the time to live, and again after it", async () => {
    let now = 0;
    const keys = fakeKeys();
    const { authenticate } = cacheApiKeyActors(keys.authenticate, { ttlMs: 5_000, clock: { now: () => new Date(now) } });
    expect(await authenticate("key-a")).toEqual(agent);
    now = 4_999;
    expect(await authenticate("key-a")).toEqual(agent);
    expect(keys.lookups()).toBe(1);
    now = 5_000;
    await authenticate("key-a");
    expect(keys.lookups()).toBe(2);
  });

  it("honours a revocation once the time to live has passed, and never caches a refusal", async () => {
    let now = 0;
    const keys = fakeKeys();
    const { authenticate } = cacheApiKeyActors(keys.authenticate, { ttlMs: 5_000, clock: { now: () => new Date(now) } });
    await authenticate("key-a");
    keys.valid.delete("key-a");
    now = 1_000;
    expect(await authenticate("key-a")).toEqual(agent);
    now = 5_001;
    await expect(authenticate("key-a")).rejects.toThrow(CoreError);
    await expect(authenticate("key-b")).rejects.toThrow(CoreError);
    await expect(authenticate("key-b")).rejects.toThrow(CoreError);
    expect(keys.lookups()).toBe(4);
  });

  it("forgets a tenant's keys when told (a revocation announced), and only that tenant's", async () => {
    const keys = fakeKeys();
    const { authenticate, forget } = cacheApiKeyActors(keys.authenticate, { ttlMs: 5_000, clock: { now: () => new Date(0) } });
    await authenticate("key-a");
    await authenticate("key-u");
    keys.valid.delete("key-a");
    forget("t");
    await expect(authenticate("key-a")).rejects.toThrow(CoreError);
    expect(await authenticate("key-u")).toEqual(otherTenants);
    expect(keys.lookups()).toBe(3);
    forget(null);
    await authenticate("key-u");
    expect(keys.lookups()).toBe(4);
  });

  it("does not remember a lookup that was under way when it was told to forget (it may have read the key before its revocation)", async () => {
    const keys = fakeKeys();
    const { authenticate, forget } = cacheApiKeyActors(keys.authenticate, { ttlMs: 5_000, clock: { now: () => new Date(0) } });
    const underWay = authenticate("key-a");
    forget("t");
    expect(await underWay).toEqual(agent);
    keys.valid.delete("key-a");
    await expect(authenticate("key-a")).rejects.toThrow(CoreError);
  });

  it("with a time to live of 0 asks every time", async () => {
    const keys = fakeKeys();
    const { authenticate } = cacheApiKeyActors(keys.authenticate, { ttlMs: 0, clock: { now: () => new Date(0) } });
    await authenticate("key-a");
    await authenticate("key-a");
    expect(keys.lookups()).toBe(2);
  });
});
