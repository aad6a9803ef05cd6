import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { addUser, deactivateUser, issueApiKey, listApiKeys } from "@leash/core";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

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
