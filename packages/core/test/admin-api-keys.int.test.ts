import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { authenticateApiKey, issueApiKey, listAdminEvents, listApiKeys, renameApiKey, revokeTenantApiKey } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
let now = Date.parse("2026-12-05T10:00:00Z");
const clock = { now: () => new Date(now) };

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
});

afterAll(async () => {
  await environment.close();
});

const deps = () => ({ ...environment.deps, clock });

describe("API keys, administered", () => {
  it("creates a key shown once, lists it with owner, role, expiry and last use, and records the change", async () => {
    const { apiKey, key } = await issueApiKey(deps(), { actor: acme.admin, input: { name: "crm-sync", role: "agent", ownerId: acme.approver.userId, expiresOn: "2027-01-31" } });
    expect(key).toMatch(new RegExp(`^lsh_${apiKey.publicId}_`));
    expect(apiKey).toMatchObject({ name: "crm-sync", role: "agent", owner: { id: acme.approver.userId }, expiresAt: "2027-01-31T00:00:00.000Z", lastUsedAt: null, revokedAt: null, usable: true });
    await authenticateApiKey(environment.db, key, clock);
    const listed = (await listApiKeys(deps(), { actor: acme.admin })).find((entry) => entry.publicId === apiKey.publicId);
    expect(listed).toMatchObject({ lastUsedAt: new Date(now).toISOString() });
    // The secret is base64url, so it may itself contain "_": it is everything after the public id.
    expect(JSON.stringify(listed)).not.toContain(key.slice(`lsh_${apiKey.publicId}_`.length));
    const [event] = await listAdminEvents(deps(), { actor: acme.admin });
    expect(event).toMatchObject({ type: "api_key.created", subject: `crm-sync (${apiKey.publicId})` });
  });

  it("refuses an expired key as UNAUTHORIZED from its expiry date on", async () => {
    const { key } = await issueApiKey(deps(), { actor: acme.admin, input: { name: "short-lived", role: "agent", expiresOn: "2026-12-07" } });
    now = Date.parse("2026-12-06T23:59:59Z");
    await expect(authenticateApiKey(environment.db, key, clock)).resolves.toMatchObject({ kind: "api_key" });
    now = Date.parse("2026-12-07T00:00:00Z");
    await expect(authenticateApiKey(environment.db, key, clock)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    const listed = await listApiKeys(deps(), { actor: acme.admin });
    expect(listed.find((entry) => entry.name === "short-lived")).toMatchObject({ usable: false });
    now = Date.parse("2026-12-05T10:00:00Z");
  });

  it("renames and revokes a key; a revoked one is refused and cannot be revoked twice", async () => {
    const { apiKey, key } = await issueApiKey(deps(), { actor: acme.admin, input: { name: "old name", role: "viewer" } });
    await renameApiKey(deps(), { actor: acme.admin, input: { publicId: apiKey.publicId, name: "reporting" } });
    await expect(authenticateApiKey(environment.db, key, clock)).resolves.toMatchObject({ label: 'viewer key "reporting"' });
    await revokeTenantApiKey(deps(), { actor: acme.admin, input: { publicId: apiKey.publicId } });
    await expect(authenticateApiKey(environment.db, key, clock)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(revokeTenantApiKey(deps(), { actor: acme.admin, input: { publicId: apiKey.publicId } })).rejects.toMatchObject({ code: "CONFLICT", message: `reporting (${apiKey.publicId}) was already revoked` });
    const types = (await listAdminEvents(deps(), { actor: acme.admin })).slice(0, 2).map((event) => event.type);
    expect(types).toEqual(["api_key.revoked", "api_key.renamed"]);
  });

  it("refuses bad fields by name, a past expiry, another tenant's key or owner, and anyone but an admin", async () => {
    // Wrong types on purpose: the verb parses its input again, as at every process boundary.
    await expect(issueApiKey(deps(), { actor: acme.admin, input: { name: " ", role: "root" as never, expiresOn: "31/01/2027" } })).rejects.toMatchObject({
      code: "INVALID",
      issues: [
        { path: ["name"], message: "the name is required" },
        { path: ["role"], message: "the role must be agent, viewer, approver or admin" },
        { path: ["expiresOn"], message: "the expiry date must be a date (YYYY-MM-DD)" },
      ],
    });
    await expect(issueApiKey(deps(), { actor: acme.admin, input: { name: "late", role: "agent", expiresOn: "2026-12-05" } })).rejects.toMatchObject({ code: "INVALID", issues: [{ path: ["expiresOn"], message: "the expiry date must be in the future" }] });
    await expect(issueApiKey(deps(), { actor: acme.admin, input: { name: "theirs", role: "agent", ownerId: globex.admin.userId } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const theirs = await issueApiKey(deps(), { actor: globex.admin, input: { name: "globex-key", role: "agent" } });
    await expect(revokeTenantApiKey(deps(), { actor: acme.admin, input: { publicId: theirs.apiKey.publicId } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(renameApiKey(deps(), { actor: acme.admin, input: { publicId: theirs.apiKey.publicId, name: "mine now" } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(authenticateApiKey(environment.db, theirs.key, clock)).resolves.toMatchObject({ label: 'agent key "globex-key"' });
    await expect(renameApiKey(deps(), { actor: acme.admin, input: { publicId: "../../etc", name: "x" } })).rejects.toMatchObject({ code: "INVALID", issues: [{ path: ["publicId"], message: "the key id is not valid" }] });
    for (const actor of [acme.approver, acme.viewer, acme.agent]) {
      await expect(listApiKeys(deps(), { actor })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await listApiKeys(deps(), { actor: acme.admin })).some((entry) => entry.name === "globex-key")).toBe(false);
  });
});
