import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { CreateConnectorInput } from "../src/connectors/connector-inputs.ts";
import { createConnector } from "../src/connectors/create-connector.ts";
import { deleteConnector } from "../src/connectors/delete-connector.ts";
import { findConnector } from "../src/connectors/find-connector.ts";
import { listConnectors } from "../src/connectors/list-connectors.ts";
import { openConnectorSecrets } from "../src/connectors/open-connector-secrets.ts";
import { rotateConnectorSigningSecret } from "../src/connectors/rotate-connector-signing-secret.ts";
import { sendConnectorRequest } from "../src/connectors/send-connector-request.ts";
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
    expect(stored && openConnectorSecrets(stored, key, new Date())).toEqual({
      headers: [["Authorization", "Bearer sk_live_SECRET_ONE"], ["X-Team", "growth"]],
      signingSecrets: [created.signingSecret],
    });
    expect(() => stored && openConnectorSecrets(stored, randomBytes(32), new Date())).toThrow("does not decrypt with this CONNECTOR_SECRET_KEY");
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
    expect(stored && openConnectorSecrets(stored, key, new Date()).headers).toEqual([["Authorization", "Bearer sk_live_SECRET_ONE"], ["X-Api-Key", "SECRET_TWO"]]);

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

  it("rotate their signing secret (admins), answering the new one once; the replaced one signs too for a day unless revoked", async () => {
    // A receiver on loopback that records each request's body and Standard Webhooks headers.
    const received: { body: string; headers: Record<string, string> }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const headers = Object.fromEntries(["webhook-id", "webhook-timestamp", "webhook-signature"].map((name) => [name, String(request.headers[name])]));
        received.push({ body: Buffer.concat(chunks).toString("utf8"), headers });
        response.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const created = await createConnector(environment.deps, {
        actor: acme.admin,
        input: { ...billing, name: "rotating", baseUrl: `http://127.0.0.1:${port}`, allowPrivateNetwork: true },
      });
      const connectorId = created.connector.id;
      /** Sends a request now through the connector as stored, and reads what the receiver got. */
      const next = async () => {
        const connector = await findConnector(environment.db, acme.id, "rotating");
        if (!connector) throw new Error("connector not stored");
        await sendConnectorRequest({ connector, key, method: "POST", path: "/invoices", body: { amount: 12 }, idempotencyKey: "rotation", messageId: "msg_rotation", now: new Date() });
        const request = received.at(-1);
        if (!request) throw new Error("nothing received");
        const verifies = (secret: string) => {
          try {
            new Webhook(secret).verify(request.body, request.headers);
            return true;
          } catch {
            return false;
          }
        };
        return { signatures: request.headers["webhook-signature"]?.split(" ").length, verifies };
      };
      const viewed = async () => (await listConnectors(environment.deps, { actor: acme.admin })).find((connector) => connector.id === connectorId);

      // A rotation 25 hours ago (the injected clock): its grace is over, only the new secret signs.
      const dayAgo = { ...environment.deps, clock: { now: () => new Date(Date.now() - 25 * 3_600_000) } };
      const { signingSecret: first } = await rotateConnectorSigningSecret(dayAgo, { actor: acme.admin, input: { connectorId } });
      expect(first).not.toBe(created.signingSecret);
      expect((await viewed())?.previousSecretExpiresAt).toBeNull();
      const afterGrace = await next();
      expect(afterGrace.signatures).toBe(1);
      expect(afterGrace.verifies(first)).toBe(true);
      expect(afterGrace.verifies(created.signingSecret)).toBe(false);

      // A rotation now: for 24 hours every request carries a signature with each secret.
      const rotatedAt = Date.now();
      const rotated = await rotateConnectorSigningSecret(environment.deps, { actor: acme.admin, input: { connectorId } });
      const until = Date.parse(rotated.connector.previousSecretExpiresAt ?? "");
      expect(until - rotatedAt).toBeGreaterThanOrEqual(24 * 3_600_000 - 1_000);
      expect(until - rotatedAt).toBeLessThanOrEqual(24 * 3_600_000 + 1_000);
      expect(rotated.connector).toEqual({ ...created.connector, updatedAt: rotated.connector.updatedAt, previousSecretExpiresAt: rotated.connector.previousSecretExpiresAt });
      expect(await viewed()).toEqual(rotated.connector);
      const duringGrace = await next();
      expect(duringGrace.signatures).toBe(2);
      expect(duringGrace.verifies(rotated.signingSecret)).toBe(true);
      expect(duringGrace.verifies(first)).toBe(true);
      expect(duringGrace.verifies(created.signingSecret)).toBe(false);

      // Revoked at once (it leaked): only the new one signs, and the old one is no longer stored.
      const { signingSecret: newest, connector: revoked } = await rotateConnectorSigningSecret(environment.deps, {
        actor: acme.admin,
        input: { connectorId, revokePrevious: true },
      });
      expect(revoked.previousSecretExpiresAt).toBeNull();
      expect(await environment.db.connector.findUniqueOrThrow({ where: { id: connectorId } })).toMatchObject({ previousSigningSecret: null, previousSecretExpiresAt: null });
      const afterRevoke = await next();
      expect(afterRevoke.signatures).toBe(1);
      expect(afterRevoke.verifies(newest)).toBe(true);
      expect(afterRevoke.verifies(rotated.signingSecret)).toBe(false);

      // Two rotations at once: each keeps the secret it replaced, so both secrets handed out sign.
      const both = await Promise.all([1, 2].map(() => rotateConnectorSigningSecret(environment.deps, { actor: acme.admin, input: { connectorId } })));
      const concurrent = await next();
      for (const { signingSecret } of both) expect(concurrent.verifies(signingSecret)).toBe(true);
      expect(concurrent.verifies(newest)).toBe(false);

      // Only admins of the connector's tenant rotate; bad input changes nothing.
      await expect(rotateConnectorSigningSecret(environment.deps, { actor: globex.admin, input: { connectorId } })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(rotateConnectorSigningSecret(environment.deps, { actor: acme.approver, input: { connectorId } })).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(
        rotateConnectorSigningSecret(environment.deps, { actor: acme.admin, input: { connectorId, revokePrevious: "yes" } as never }),
      ).rejects.toMatchObject({ code: "INVALID" });
      const after = await next();
      for (const { signingSecret } of both) expect(after.verifies(signingSecret)).toBe(true);
      expect(logged).toContain("connector signing secret rotated");
      expect(logged).not.toMatch(/whsec_/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
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
