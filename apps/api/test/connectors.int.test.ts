import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateConnectorInput } from "@leash/core";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startTestApi } from "./support.ts";

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
  api = await startTestApi(environment);
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

const billing: CreateConnectorInput = {
  name: "billing-api",
  baseUrl: "https://billing.example.com/v1",
  allowedMethods: ["POST", "DELETE"],
  allowedPathPrefixes: ["/invoices"],
  headers: [
    { name: "Authorization", value: "Bearer sk_live_SECRET", secret: true },
    { name: "X-Team", value: "growth" },
  ],
  undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" },
};

describe("connector.* over the API", () => {
  it("admin keys create connectors and get the signing secret once; lists never carry a secret value", async () => {
    const created = await api.call("POST", "connector.create", { apiKey: acme.keys.admin, body: billing });
    expect(created.status).toBe(200);
    const data = created.body.result?.data as { connector: { id: string; headers: unknown[] }; signingSecret: string };
    expect(data.signingSecret).toMatch(/^whsec_/);
    expect(data.connector.headers).toEqual([{ name: "Authorization", secret: true }, { name: "X-Team", secret: false, value: "growth" }]);

    for (const apiKey of [acme.keys.admin, acme.keys.approver, acme.keys.viewer, acme.keys.agent]) {
      const listed = await api.call("GET", "connector.list", { apiKey });
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toMatch(/SECRET|whsec_|"v1:/);
      expect(listed.body.result?.data).toEqual([data.connector]);
    }
    expect((await api.call("GET", "connector.list", { apiKey: globex.keys.admin })).body.result?.data).toEqual([]);
    expect((await api.call("GET", "connector.list")).body.error?.data.code).toBe("UNAUTHORIZED");
  });

  it("refuses non-admins, bad input with each reason, and a name already taken", async () => {
    expect((await api.call("POST", "connector.create", { apiKey: acme.keys.approver, body: { ...billing, name: "other" } })).body.error?.data.code).toBe("FORBIDDEN");

    const bad = await api.call("POST", "connector.create", {
      apiKey: acme.keys.admin,
      body: { ...billing, name: "bad", baseUrl: "https://user:pw@billing.example.com", headers: [{ name: "Host", value: "evil.com" }], allowedPathPrefixes: ["/invoices/../admin"] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.data.issues).toEqual(
      expect.arrayContaining([
        { path: ["baseUrl"], message: "must not hold credentials (put them in a secret header)" },
        { path: ["allowedPathPrefixes", "0"], message: "must not contain . or .. segments, encoded or not" },
        { path: ["headers", "0", "name"], message: "host is set by Leash on every request and cannot be configured" },
      ]),
    );
    const taken = await api.call("POST", "connector.create", { apiKey: acme.keys.admin, body: billing });
    expect(taken.body.error).toMatchObject({ message: "A connector named billing-api already exists", data: { code: "CONFLICT" } });
  });

  it("updates, rotates and deletes a connector of the key's tenant only", async () => {
    const admin = api.client(acme.keys.admin);
    const { connector } = await admin.connector.create.mutate({ ...billing, name: "crm" });
    const connectorId = connector.id;

    const foreign = await api.call("POST", "connector.update", { apiKey: globex.keys.admin, body: { connectorId, timeoutMs: 500 } });
    expect(foreign.body.error?.data.code).toBe("NOT_FOUND");
    expect((await api.call("POST", "connector.delete", { apiKey: globex.keys.admin, body: { connectorId } })).body.error?.data.code).toBe("NOT_FOUND");
    expect((await api.call("POST", "connector.rotateSecret", { apiKey: globex.keys.admin, body: { connectorId } })).body.error?.data.code).toBe("NOT_FOUND");

    const updated = await admin.connector.update.mutate({ connectorId, timeoutMs: 500, headers: [{ name: "Authorization", secret: true }] });
    expect(updated).toMatchObject({ timeoutMs: 500, headers: [{ name: "Authorization", secret: true }] });
    // The replaced secret signs too for a day, unless the rotation revokes it.
    const rotated = await admin.connector.rotateSecret.mutate({ connectorId });
    expect(rotated.signingSecret).toMatch(/^whsec_/);
    expect(Date.parse(rotated.connector.previousSecretExpiresAt ?? "") - Date.now()).toBeGreaterThan(23 * 3_600_000);
    const revoked = await admin.connector.rotateSecret.mutate({ connectorId, revokePrevious: true });
    expect(revoked.signingSecret).not.toBe(rotated.signingSecret);
    expect(revoked.connector.previousSecretExpiresAt).toBeNull();
    expect((await admin.connector.list.query()).find((listed) => listed.id === connectorId)?.previousSecretExpiresAt).toBeNull();
    const notBoolean = await api.call("POST", "connector.rotateSecret", { apiKey: acme.keys.admin, body: { connectorId, revokePrevious: "yes" } });
    expect(notBoolean.body.error?.data.code).toBe("BAD_REQUEST");
    await expect(admin.connector.delete.mutate({ connectorId })).resolves.toEqual({ deleted: true });
    expect((await admin.connector.list.query()).map((listed) => listed.name)).toEqual(["billing-api"]);
  });

  it("says how to set CONNECTOR_SECRET_KEY when the server has none", async () => {
    const keyless = await createTestEnvironment();
    const keylessApi = await startTestApi(keyless);
    try {
      const tenant = await createTestTenant(keyless.db, "keyless");
      const refused = await keylessApi.call("POST", "connector.create", { apiKey: tenant.keys.admin, body: billing });
      expect(refused.body.error).toMatchObject({ message: "connectors need CONNECTOR_SECRET_KEY: set it to 32 random bytes, hex", data: { code: "CONFLICT" } });
    } finally {
      await keylessApi.close();
      await keyless.close();
    }
  });
});
