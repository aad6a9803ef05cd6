import { createHash } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { authenticateApiKey, createApiKey, revokeTenantApiKey } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

const secretOf = (key: string) => key.split("_").slice(2).join("_");

describe("API keys at rest and at the door", () => {
  it("stores only the public id and a SHA-256 of the secret: no column holds the key or its secret", async () => {
    const { id, key, publicId } = await createApiKey(environment.db, { tenantId: tenant.id, name: "crm-sync", role: "agent" });
    const row = await environment.db.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.publicId).toBe(publicId);
    expect(row.secretHash).toBe(createHash("sha256").update(secretOf(key)).digest("hex"));
    const stored = JSON.stringify(await environment.db.$queryRawUnsafe(`SELECT * FROM api_key WHERE id = $1::uuid`, id));
    expect(stored).not.toContain(secretOf(key));
  });

  it("refuses a wrong secret, an unknown id, a malformed and a revoked key with one and the same answer", async () => {
    const { key, publicId } = await createApiKey(environment.db, { tenantId: tenant.id, name: "doomed", role: "agent" });
    const other = await createApiKey(environment.db, { tenantId: tenant.id, name: "other", role: "agent" });
    await expect(authenticateApiKey(environment.db, key)).resolves.toMatchObject({ kind: "api_key", tenantId: tenant.id });

    const wrongSecret = `lsh_${publicId}_${secretOf(other.key)}`;
    const unknownId = `lsh_${"x".repeat(12)}_${secretOf(key)}`;
    await revokeTenantApiKey(environment.deps, { actor: tenant.admin, input: { publicId } });
    const refusals = await Promise.all(
      [wrongSecret, unknownId, "lsh_short", undefined, key].map((presented) => authenticateApiKey(environment.db, presented).then(() => null, (error: unknown) => error)),
    );
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({ code: "UNAUTHORIZED", message: "A valid API key is required (Authorization: Bearer <key>)" });
    }
  });
});
