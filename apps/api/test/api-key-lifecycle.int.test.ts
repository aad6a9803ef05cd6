import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addUser, apiKeysChangedChannel, deactivateUser, issueApiKey, listApiKeys, revokeTenantApiKey } from "@leash/core";
import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startTestApi } from "./support.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
let api: Awaited<ReturnType<typeof startTestApi>>;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "acme");
  api = await startTestApi(environment);
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

const input = { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } };

describe("keys an admin made in the console, at the API's door", () => {
  it("accepts a key until its expiry, records its last use, and refuses it as UNAUTHORIZED once expired", async () => {
    const { apiKey, key } = await issueApiKey(environment.deps, { actor: tenant.admin, input: { name: "expiring", role: "agent", expiresOn: "2099-01-01" } });
    expect((await api.call("POST", "action.propose", { apiKey: key, body: input })).status).toBe(200);
    const [listed] = (await listApiKeys(environment.deps, { actor: tenant.admin })).filter((entry) => entry.publicId === apiKey.publicId);
    expect(listed?.lastUsedAt).not.toBeNull();

    // The expiry date has come: the same key, one second past it.
    await environment.db.apiKey.update({ where: { publicId: apiKey.publicId }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    const expired = await api.call("POST", "action.propose", { apiKey: key, body: input });
    expect(expired.status).toBe(401);
    expect(expired.body.error?.data.code).toBe("UNAUTHORIZED");
    expect(await environment.db.agentAction.count({ where: { tenantId: tenant.id } })).toBe(1);
  });

  it("refuses the keys of a person an admin deactivated", async () => {
    const { person } = await addUser(environment.deps, { actor: tenant.admin, input: { name: "Leaver", email: "leaver@acme.test", role: "approver" } });
    const { key } = await issueApiKey(environment.deps, { actor: tenant.admin, input: { name: "leaver's agent", role: "agent", ownerId: person.id } });
    expect((await api.call("GET", "action.list", { apiKey: key, input: {} })).status).toBe(200);
    await deactivateUser(environment.deps, { actor: tenant.admin, input: { userId: person.id } });
    const refused = await api.call("GET", "action.list", { apiKey: key, input: {} });
    expect(refused.status).toBe(401);
    expect(refused.body.error?.data.code).toBe("UNAUTHORIZED");
  });
});

describe("with the key cache on, as in production (API_KEY_CACHE_MS)", () => {
  // The announcement reaches the API over Redis a moment after the change commits, so a request sent
  // in that moment may still pass: the test asks until refused, for far less than the cache's minute.
  it("refuses a revoked key and a deactivated person's key as soon as the change is announced, not once the cache lets them go", async () => {
    const cached = await startTestApi(environment, { apiKeyCacheMs: 60_000 });
    const refusedSoon = (presented: string) =>
      waitFor(async () => (await cached.call("GET", "action.list", { apiKey: presented, input: {} })).status === 401, { timeoutMs: 2_000, what: "the key refused" });
    try {
      const channel = apiKeysChangedChannel.name(environment.queuePrefix);
      await waitFor(async () => {
        const [, listeners] = (await environment.redis.pubsub("NUMSUB", channel)) as [string, number];
        return listeners > 0;
      }, { what: "the API listening for key changes" });

      const { apiKey, key } = await issueApiKey(environment.deps, { actor: tenant.admin, input: { name: "cached", role: "agent" } });
      expect((await cached.call("GET", "action.list", { apiKey: key, input: {} })).status).toBe(200);
      await revokeTenantApiKey(environment.deps, { actor: tenant.admin, input: { publicId: apiKey.publicId } });
      await refusedSoon(key);

      const { person } = await addUser(environment.deps, { actor: tenant.admin, input: { name: "Mover", email: "mover@acme.test", role: "approver" } });
      const owned = await issueApiKey(environment.deps, { actor: tenant.admin, input: { name: "mover's agent", role: "agent", ownerId: person.id } });
      const other = await issueApiKey(environment.deps, { actor: tenant.admin, input: { name: "still here", role: "agent" } });
      for (const presented of [owned.key, other.key]) expect((await cached.call("GET", "action.list", { apiKey: presented, input: {} })).status).toBe(200);
      await deactivateUser(environment.deps, { actor: tenant.admin, input: { userId: person.id } });
      await refusedSoon(owned.key);
      expect((await cached.call("GET", "action.list", { apiKey: other.key, input: {} })).status).toBe(200);
    } finally {
      await cached.close();
    }
  });
});
