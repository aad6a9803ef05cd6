import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateConnectorInput } from "../src/connectors/connector-inputs.ts";
import { createConnector } from "../src/connectors/create-connector.ts";
import { deleteConnector } from "../src/connectors/delete-connector.ts";
import { findConnector } from "../src/connectors/find-connector.ts";
import { listConnectors } from "../src/connectors/list-connectors.ts";
import { openConnectorSecrets } from "../src/connectors/open-connector-secrets.ts";
import { rotateConnectorSigningSecret } from "../src/connectors/rotate-connector-signing-secret.ts";
import { updateConnector } from "../src/connectors/update-connector.ts";
import { createLogger } from "../src/logger.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

const key = randomBytes(32);
let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
/** Everything the services logged, to prove no secret reached the logs. */
let logged = "";

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: key });
  environment.deps.logger = createLogger({ name: "test", destination: { write: (line: string) => void (logged += line) } });
  acme = await createTestTenant(environment.db, "acme");
  globex = await createTestTenant(environment.db, "globex");
});

afterAll(() => environment.close());

const billing: CreateConnectorInput = {
  name: "billing-api",
  baseUrl: "https://billing.example.com/v1",
  allowedMethods: ["POST", "DELETE"],
  allowedPathPrefixes: ["/invoices"],
  headers: [
    { name: "Authorization", value: "Bearer sk_live_SECRET_ONE", secret: true },
    { name: "X-Team", value: "growth" },
  ],
  undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" },
};

describe("connectors", () => {
  it("are created by admins only; the signing secret is in the answer once, secrets are encrypted in the row and never read back", async () => {
    for (const actor of [acme.approver, acme.viewer, acme.agent]) {
      await expect(createConnector(environment.deps, { actor, input: { ...billing, name: `by-${actor.kind}` } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    const created = await createConnector(environment.deps, { actor: acme.admin, input: billing });
    expect(created.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.connector).toMatchObject({
      name: "billing-api",
      baseUrl: "https://billing.example.com/v1",
      headers: [{ name: "Authorization", secret: true }, { name: "X-Team", secret: false, value: "growth" }],
      timeoutMs: 10_000,
      allowPrivateNetwork: false,
      undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" },
    });
    expect(JSON.stringify(created.connector)).not.toContain("SECRET_ONE");

    // The raw row holds neither the header's value nor the signing secret in clear.
    const raw = await environment.db.$queryRaw<{ row: string }[]>`SELECT row_to_json(c)::text AS row FROM connector c WHERE id = ${created.connector.id}::uuid`;
    const row = raw[0]?.row ?? "";
    expect(row).not.toContain("SECRET_ONE");
    expect(row).not.toContain(created.signingSecret.slice("whsec_".length, 20));
    expect(row).toMatch(/"signing_secret":"v1:[\w-]+:[\w-]+:[\w-]+"/);
    expect(row).toMatch(/"encrypted": ?"v1:[\w-]+:[\w-]+:[\w-]+"/);

    // Decrypted only for a request, with the key.
    const stored = await findConnector(environment.db, acme.id, "billing-api");
    expect(stored && openConnectorSecrets(stored, key)).toEqual({
      headers: [["Authorization", "Bearer sk_live_SECRET_ONE"], ["X-Team", "growth"]],
      signingSecret: created.signingSecret,
    });
    expect(() => stored && openConnectorSecrets(stored, randomBytes(32))).toThrow("does not decrypt with this CONNECTOR_SECRET_KEY");
    expect(await findConnector(environment.db, globex.id, "billing-api")).toBeNull();

    // Every role reads them (agents need the names to propose requests), never with their secrets.
    for (const actor of [acme.admin, acme.approver, acme.viewer, acme.agent]) {
      const listed = await listConnectors(environment.deps, { actor });
      expect(listed).toEqual([created.connector]);
      expect(JSON.stringify(listed)).not.toMatch(/SECRET_ONE|whsec_|v1:/);
    }
    expect(await listConnectors(environment.deps, { actor: globex.admin })).toEqual([]);
    expect(logged).toContain("connector created");
    expect(logged).not.toMatch(/SECRET_ONE|whsec_/);
  });

  it("refuse a second connector of the same name in a tenant, not in another tenant", async () => {
    await expect(createConnector(environment.deps, { actor: acme.admin, input: billing })).rejects.toMatchObject({ code: "CONFLICT", message: "A connector named billing-api already exists" });
    await expect(createConnector(environment.deps, { actor: globex.admin, input: billing })).resolves.toMatchObject({ connector: { name: "billing-api" } });
  });

  it("need CONNECTOR_SECRET_KEY to be created, and say how to set it", async () => {
    const withoutKey = { ...environment.deps, connectorKey: undefined };
    await expect(createConnector(withoutKey, { actor: acme.admin, input: { ...billing, name: "no-key" } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "connectors need CONNECTOR_SECRET_KEY: set it to 32 random bytes, hex",
    });
  });

  it("are updated by admins: given fields replace, a secret header left without a value keeps it, the whole is checked again", async () => {
    const created = await createConnector(environment.deps, { actor: acme.admin, input: { ...billing, name: "crm" } });
    const connectorId = created.connector.id;
    await expect(updateConnector(environment.deps, { actor: acme.approver, input: { connectorId, timeoutMs: 500 } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(updateConnector(environment.deps, { actor: globex.admin, input: { connectorId, timeoutMs: 500 } })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const updated = await updateConnector(environment.deps, {
      actor: acme.admin,
      input: { connectorId, timeoutMs: 500, headers: [{ name: "Authorization", secret: true }, { name: "X-Api-Key", value: "SECRET_TWO", secret: true }] },
    });
    expect(updated).toMatchObject({ timeoutMs: 500, baseUrl: billing.baseUrl, headers: [{ name: "Authorization", secret: true }, { name: "X-Api-Key", secret: true }] });
    const stored = await findConnector(environment.db, acme.id, "crm");
    expect(stored && openConnectorSecrets(stored, key).headers).toEqual([["Authorization", "Bearer sk_live_SECRET_ONE"], ["X-Api-Key", "SECRET_TWO"]]);

    // Without the key an update still works as long as it encrypts nothing new.
    const withoutKey = { ...environment.deps, connectorKey: undefined };
    await expect(updateConnector(withoutKey, { actor: acme.admin, input: { connectorId, timeoutMs: 600 } })).resolves.toMatchObject({ timeoutMs: 600 });
    await expect(updateConnector(withoutKey, { actor: acme.admin, input: { connectorId, headers: [{ name: "X-New", value: "v", secret: true }] } })).rejects.toThrow("CONNECTOR_SECRET_KEY");

    await expect(updateConnector(environment.deps, { actor: acme.admin, input: { connectorId, headers: [{ name: "X-Unknown", secret: true }] } })).rejects.toMatchObject({
      code: "INVALID",
      issues: [{ path: ["headers", 0, "value"], message: "a new secret header needs its value" }],
    });
    // The undo template must still fit once the allowed methods change.
    await expect(updateConnector(environment.deps, { actor: acme.admin, input: { connectorId, allowedMethods: ["POST"] } })).rejects.toMatchObject({
      code: "INVALID",
      issues: [{ path: ["undo", "method"], message: "DELETE is not among the connector's allowed methods" }],
    });
    await expect(updateConnector(environment.deps, { actor: acme.admin, input: { connectorId, allowedMethods: ["POST"], undo: null } })).resolves.toMatchObject({ undo: null });
    await expect(updateConnector(environment.deps, { actor: acme.admin, input: { connectorId, name: "billing-api" } })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(logged).toContain("connector updated");
    expect(logged).not.toMatch(/SECRET_ONE|SECRET_TWO|whsec_/);
  });

  it("rotate their signing secret (admins), answering the new one once", async () => {
    const created = await createConnector(environment.deps, { actor: acme.admin, input: { ...billing, name: "rotating" } });
    const connectorId = created.connector.id;
    await expect(rotateConnectorSigningSecret(environment.deps, { actor: acme.approver, input: { connectorId } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(rotateConnectorSigningSecret(environment.deps, { actor: globex.admin, input: { connectorId } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const rotated = await rotateConnectorSigningSecret(environment.deps, { actor: acme.admin, input: { connectorId } });
    expect(rotated.signingSecret).not.toBe(created.signingSecret);
    expect(rotated.connector).toEqual({ ...created.connector, updatedAt: rotated.connector.updatedAt });
    const stored = await findConnector(environment.db, acme.id, "rotating");
    expect(stored && openConnectorSecrets(stored, key).signingSecret).toBe(rotated.signingSecret);
    expect(logged).not.toContain(rotated.signingSecret);
  });

  it("are deleted by admins of their tenant only", async () => {
    const created = await createConnector(environment.deps, { actor: acme.admin, input: { ...billing, name: "doomed" } });
    const connectorId = created.connector.id;
    await expect(deleteConnector(environment.deps, { actor: acme.approver, input: { connectorId } })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(deleteConnector(environment.deps, { actor: globex.admin, input: { connectorId } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteConnector(environment.deps, { actor: acme.admin, input: { connectorId } })).resolves.toEqual({ deleted: true });
    await expect(deleteConnector(environment.deps, { actor: acme.admin, input: { connectorId } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await findConnector(environment.db, acme.id, "doomed")).toBeNull();
  });

  it("go with their tenant", async () => {
    const tenant = await createTestTenant(environment.db, "short-lived");
    await createConnector(environment.deps, { actor: tenant.admin, input: billing });
    await environment.db.tenant.delete({ where: { id: tenant.id } });
    expect(await environment.db.connector.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
