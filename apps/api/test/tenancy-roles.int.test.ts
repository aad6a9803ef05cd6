import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@leash/core";

import { createTestItem, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { describeProcedures } from "../src/docs/describe-procedures.ts";
import { appRouter } from "../src/router.ts";
import { startApiStack } from "./support.ts";

// Guarantee 4 of RELIABILITY.md: every procedure x every caller (four key roles and no key) x the
// caller's own tenant's ids and another tenant's ids, against the exact table below.

type Role = "admin" | "approver" | "viewer" | "agent";
const roles: Role[] = ["admin", "approver", "viewer", "agent"];

/**
 * What each role gets, in the order admin approver viewer agent: with ids of its own tenant, and with
 * the same kind of ids from another tenant. `ok` is a 2xx; `hidden` (procedures without ids) means
 * a 2xx whose answer holds nothing of the other tenant; `-` means there is no other tenant's id to
 * give. Without a key every procedure is UNAUTHORIZED.
 */
const matrix: Record<string, { own: string; other: string }> = {
  //                       admin     approver  viewer    agent
  "action.propose":        { own: "ok        ok        FORBIDDEN ok", other: "NOT_FOUND NOT_FOUND FORBIDDEN NOT_FOUND" },
  "action.proposeBatch":   { own: "ok        ok        FORBIDDEN ok", other: "NOT_FOUND NOT_FOUND FORBIDDEN NOT_FOUND" },
  "action.proposeAndWait": { own: "ok        ok        FORBIDDEN ok", other: "NOT_FOUND NOT_FOUND FORBIDDEN NOT_FOUND" },
  "action.get":            { own: "ok        ok        ok        ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "action.list":           { own: "ok        ok        ok        ok", other: "hidden    hidden    hidden    hidden" },
  "action.history":        { own: "ok        ok        ok        ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "action.approve":        { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  "action.reject":         { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  // The action is the agent key's own proposal: agents may cancel what they proposed.
  "action.cancel":         { own: "ok        ok        FORBIDDEN ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  // An external action proposed by the agent key: only who proposed it may report its outcome.
  "action.complete":       { own: "FORBIDDEN FORBIDDEN FORBIDDEN ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "action.rollbackPreview": { own: "ok       ok        ok        ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "action.rollback":       { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  "action.wait":           { own: "ok        ok        ok        ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "action.watch":          { own: "ok        ok        ok        ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "connector.list":        { own: "ok        ok        ok        ok", other: "hidden    hidden    hidden    hidden" },
  "connector.create":      { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "-" },
  "connector.update":      { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "connector.delete":      { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "connector.rotateSecret": { own: "ok       FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  // Every role reads the metrics; the other tenant's id is its agent key's.
  "metrics.summary":       { own: "ok        ok        ok        ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "policy.list":           { own: "ok        ok        ok        ok", other: "hidden    hidden    hidden    hidden" },
  "policy.set":            { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "-" },
  "policy.delete":         { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "preference.get":        { own: "ok        ok        ok        ok", other: "hidden    hidden    hidden    hidden" },
  "preference.set":        { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "-" },
  "queue.stats":           { own: "ok        ok        ok        ok", other: "hidden    hidden    hidden    hidden" },
  "template.create":       { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "-" },
  "template.update":       { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  "template.delete":       { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  "template.list":         { own: "ok        ok        ok        ok", other: "hidden    hidden    hidden    hidden" },
  "template.get":          { own: "ok        ok        ok        ok", other: "NOT_FOUND NOT_FOUND NOT_FOUND NOT_FOUND" },
  "template.run":          { own: "ok        ok        FORBIDDEN ok", other: "NOT_FOUND NOT_FOUND FORBIDDEN NOT_FOUND" },
  "batch.decide":          { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  "trust.approveAndTrust": { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  "trust.list":            { own: "ok        ok        ok        ok", other: "hidden    hidden    hidden    hidden" },
  "trust.revoke":          { own: "ok        ok        FORBIDDEN FORBIDDEN", other: "NOT_FOUND NOT_FOUND FORBIDDEN FORBIDDEN" },
  "webhook.list":          { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "hidden    FORBIDDEN FORBIDDEN FORBIDDEN" },
  "webhook.get":           { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "webhook.create":        { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "-" },
  "webhook.update":        { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "webhook.delete":        { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "webhook.rotateSecret":  { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "webhook.deliveries":    { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "webhook.redeliver":     { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
  "webhook.sendTest":      { own: "ok        FORBIDDEN FORBIDDEN FORBIDDEN", other: "NOT_FOUND FORBIDDEN FORBIDDEN FORBIDDEN" },
};

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let home: TestTenant;
let away: TestTenant;

beforeAll(async () => {
  stack = await startApiStack();
  environment = stack.environment;
  home = await createTestTenant(environment.db, "home");
  away = await createTestTenant(environment.db, "globex-secret");
});

afterAll(async () => {
  await closeReceiver?.();
  await stack.close();
});

const client = (tenant: TestTenant) => stack.api.client(tenant.keys.admin);

/** A fresh action of the tenant waiting for a person, proposed by its agent key. */
async function pendingAction(tenant: TestTenant) {
  const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: `m ${tenant.slug}` } });
  return action.id;
}

/**
 * A fresh idea to create, waiting for a person, by an agent key of its own: a trust grant covers later
 * proposals of the same key, which must not reach other cells (and a notification, which cannot be
 * undone, is never trusted).
 */
async function pendingActionOfNewKey(tenant: TestTenant) {
  const { key } = await createApiKey(environment.db, { tenantId: tenant.id, name: `agent ${Math.random()}`, role: "agent" });
  const { action } = await stack.api.client(key).action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: `i ${tenant.slug}` } });
  return action.id;
}

async function grant(tenant: TestTenant) {
  const { grant: created } = await stack.api.client(tenant.keys.approver).trust.approveAndTrust.mutate({ actionId: await pendingActionOfNewKey(tenant), days: 7 });
  return created.id;
}

async function batch(tenant: TestTenant) {
  const notify = { actionType: "notify" as const, parameters: { channel: "email" as const, recipient: "a@b.c", message: `m ${tenant.slug}` } };
  return (await stack.api.client(tenant.keys.agent).action.proposeBatch.mutate({ actions: [notify, notify] })).batchId;
}

async function executedAction(tenant: TestTenant) {
  const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: `Undo me ${tenant.slug}` } });
  await stack.api.client(tenant.keys.approver).action.approve.mutate({ actionId: action.id });
  await waitFor(async () => (await client(tenant).action.get.query({ actionId: action.id })).status === "executed", { what: `#${action.id} executed` });
  return action.id;
}

/** An external action of the tenant's agent key, approved: waiting for the agent to run it and report. */
async function approvedExternalAction(tenant: TestTenant) {
  const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({ actionType: "external", parameters: { tool: "shell", summary: `restart ${tenant.slug}` } });
  await stack.api.client(tenant.keys.approver).action.approve.mutate({ actionId: action.id });
  return action.id;
}

async function rejectedAction(tenant: TestTenant) {
  const actionId = await pendingAction(tenant);
  await client(tenant).action.reject.mutate({ actionId, reason: "no" });
  return actionId;
}

async function template(tenant: TestTenant) {
  const created = await client(tenant).template.create.mutate({
    name: `T ${tenant.slug} ${Math.random()}`,
    parameters: [{ name: "title", type: "string" }],
    steps: [{ actionType: "create", targetType: "idea", parameters: { title: "{{params.title}}" } }],
  });
  return created.id;
}

let connectors = 0;
/** A fresh connector's settings; its name carries the tenant's slug, so a leak of it shows. */
function connectorSettings(tenant: TestTenant) {
  connectors += 1;
  return { name: `${tenant.slug}-api-${connectors}`, baseUrl: `https://${tenant.slug}.example.com/api`, allowedMethods: ["POST" as const], allowedPathPrefixes: ["/orders"] };
}

async function connector(tenant: TestTenant) {
  return (await client(tenant).connector.create.mutate(connectorSettings(tenant))).connector.id;
}

let scopes = 0;
async function policy(tenant: TestTenant) {
  // Each policy gets a scope of its own, since setting a scope's policy replaces the one before.
  const targetTypes = ["person", "project", "idea", "admin"] as const;
  const actionTypes = ["create", "update", "delete", "link", "notify", "schedule"] as const;
  scopes += 1;
  const created = await client(tenant).policy.set.mutate({ actionType: actionTypes[scopes % 6] ?? "create", targetType: targetTypes[Math.floor(scopes / 6) % 4] ?? "idea", requiredApprovals: 1 });
  return created.id;
}

/** Where the cells' webhook deliveries go: a receiver on 127.0.0.1 taking everything, started by the first cell that needs it. */
let receiverUrl: Promise<string> | undefined;
let closeReceiver: (() => Promise<void>) | undefined;
function webhookReceiver(): Promise<string> {
  receiverUrl ??= new Promise((resolve) => {
    const server = createServer((request, response) => {
      request.resume();
      request.on("end", () => response.writeHead(204).end());
    });
    closeReceiver = () => new Promise((done) => server.close(() => done()));
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
  return receiverUrl;
}

/** A fresh endpoint's settings; its URL carries the tenant's slug, so a leak of it shows. Only `schedule` actions (none here) would reach it. */
async function webhookSettings(tenant: TestTenant) {
  return { url: `${await webhookReceiver()}/${tenant.slug}/hooks`, eventTypes: ["action.executed" as const], actionTypes: ["schedule"], allowPrivateNetwork: true };
}

async function newWebhookEndpoint(tenant: TestTenant) {
  return (await client(tenant).webhook.create.mutate(await webhookSettings(tenant))).endpoint.id;
}

/** One endpoint per tenant for the cells that leave it in place: a tenant has at most 20. */
const sharedEndpoints = new Map<string, Promise<string>>();
function webhookEndpoint(tenant: TestTenant) {
  const shared = sharedEndpoints.get(tenant.id) ?? newWebhookEndpoint(tenant);
  sharedEndpoints.set(tenant.id, shared);
  return shared;
}

/** A delivery of the tenant already delivered, as "send again" takes. */
async function deliveredWebhook(tenant: TestTenant) {
  const endpointId = await webhookEndpoint(tenant);
  const row = await environment.db.webhookDelivery.create({
    data: { tenantId: tenant.id, endpointId, eventType: "webhook.test", messageId: `test_${tenant.slug}`, payload: { type: "webhook.test" }, status: "delivered", nextAttemptAt: new Date() },
  });
  return Number(row.id);
}

const item = async (tenant: TestTenant) => (await createTestItem(environment.db, tenant.id, { kind: "project", title: `Relaunch ${tenant.slug}` })).id;

/**
 * The input of each procedure, built from `ids` (a tenant's resources): called with the caller's own
 * tenant, then with the other tenant. Each call makes fresh resources, so no cell sees another's effects.
 */
const inputs: Record<string, (tenant: TestTenant) => Promise<unknown>> = {
  "action.propose": async (tenant) => ({ actionType: "update", targetType: "project", targetId: await item(tenant), parameters: { title: "Renamed" } }),
  "action.proposeBatch": async (tenant) => ({ actions: [{ actionType: "delete", targetType: "project", targetId: await item(tenant), parameters: {} }] }),
  "action.proposeAndWait": async (tenant) => ({ actionType: "update", targetType: "project", targetId: await item(tenant), parameters: { title: "Renamed" }, waitSeconds: 0 }),
  "action.get": async (tenant) => ({ actionId: await pendingAction(tenant) }),
  "action.list": () => Promise.resolve({ limit: 200 }),
  "action.history": async (tenant) => ({ actionId: await pendingAction(tenant) }),
  "action.approve": async (tenant) => ({ actionId: await pendingAction(tenant) }),
  "action.reject": async (tenant) => ({ actionId: await pendingAction(tenant), reason: "no" }),
  "action.cancel": async (tenant) => ({ actionId: await pendingAction(tenant) }),
  "action.complete": async (tenant) => ({ actionId: await approvedExternalAction(tenant), outcome: "succeeded", result: { exitCode: 0 } }),
  "action.rollbackPreview": async (tenant) => ({ actionId: await executedAction(tenant) }),
  "action.rollback": async (tenant) => ({ actionId: await executedAction(tenant), confirm: true }),
  "action.wait": async (tenant) => ({ actionId: await rejectedAction(tenant), waitSeconds: 0 }),
  "action.watch": async (tenant) => ({ actionId: await rejectedAction(tenant) }),
  "connector.list": async (tenant) => {
    await connector(tenant);
    return undefined;
  },
  "connector.create": (tenant) => Promise.resolve(connectorSettings(tenant)),
  "connector.update": async (tenant) => ({ connectorId: await connector(tenant), timeoutMs: 5_000 }),
  "connector.delete": async (tenant) => ({ connectorId: await connector(tenant) }),
  "connector.rotateSecret": async (tenant) => ({ connectorId: await connector(tenant) }),
  "metrics.summary": (tenant) => Promise.resolve({ window: "week", apiKeyId: tenant.agent.apiKeyId }),
  "policy.list": () => Promise.resolve(undefined),
  "policy.set": () => Promise.resolve({ actionType: "link", targetType: "person", requiredApprovals: 2 }),
  "policy.delete": async (tenant) => ({ policyId: await policy(tenant) }),
  "preference.get": () => Promise.resolve(undefined),
  "preference.set": () => Promise.resolve({ actionType: "link", autoApprove: false }),
  "queue.stats": () => Promise.resolve(undefined),
  "template.create": () => Promise.resolve({ name: `New ${Math.random()}`, steps: [{ actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } }] }),
  "template.update": async (tenant) => ({ templateId: await template(tenant), description: "changed" }),
  "template.delete": async (tenant) => ({ templateId: await template(tenant) }),
  "template.list": () => Promise.resolve(undefined),
  "template.get": async (tenant) => ({ templateId: await template(tenant) }),
  "template.run": async (tenant) => ({ templateId: await template(tenant), parameters: { title: "Run" } }),
  "batch.decide": async (tenant) => ({ batchId: await batch(tenant), decision: "approve" }),
  "trust.approveAndTrust": async (tenant) => ({ actionId: await pendingActionOfNewKey(tenant), days: 7 }),
  "trust.list": () => Promise.resolve(undefined),
  "trust.revoke": async (tenant) => ({ grantId: await grant(tenant) }),
  "webhook.list": async (tenant) => {
    await webhookEndpoint(tenant);
    return undefined;
  },
  "webhook.get": async (tenant) => ({ endpointId: await webhookEndpoint(tenant) }),
  "webhook.create": (tenant) => webhookSettings(tenant),
  "webhook.update": async (tenant) => ({ endpointId: await webhookEndpoint(tenant), description: "changed" }),
  "webhook.delete": async (tenant) => ({ endpointId: await newWebhookEndpoint(tenant) }),
  "webhook.rotateSecret": async (tenant) => ({ endpointId: await webhookEndpoint(tenant) }),
  "webhook.deliveries": async (tenant) => ({ endpointId: await webhookEndpoint(tenant) }),
  "webhook.redeliver": async (tenant) => ({ deliveryId: await deliveredWebhook(tenant) }),
  "webhook.sendTest": async (tenant) => ({ endpointId: await webhookEndpoint(tenant) }),
};

const procedures = describeProcedures(appRouter);

/** Calls a procedure over plain HTTP; the outcome is `ok` or the tRPC error code, and the answer's text. */
async function call(path: string, apiKey: string | null, input: unknown): Promise<{ outcome: string; body: string }> {
  const procedure = procedures.find((candidate) => candidate.path === path);
  const headers: Record<string, string> = { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response =
    procedure?.type === "mutation"
      ? await fetch(`${stack.api.trpcUrl}/${path}`, { method: "POST", headers, body: JSON.stringify(input ?? {}) })
      : await fetch(`${stack.api.trpcUrl}/${path}${query}`, { headers });
  const body = await response.text();
  if (procedure?.type === "subscription" && response.status === 200) {
    // Over SSE a refusal is an error event after the 200; the watched action has ended, so the stream ends.
    const code = /event: serialized-error\s+data: .*?"code":"([A-Z_]+)"/.exec(body)?.[1];
    return { outcome: code ?? "ok", body };
  }
  if (response.ok) return { outcome: "ok", body };
  const code = (JSON.parse(body) as { error?: { data?: { code?: string } } }).error?.data?.code;
  return { outcome: code ?? `HTTP ${response.status}`, body };
}

/** Approved actions (of the cells before) are executed, so that the worker writes nothing while a cell measures. */
async function settled() {
  // External actions stay approved until their agent reports: no worker runs them.
  await waitFor(async () => (await environment.db.agentAction.count({ where: { status: { in: ["approved", "executing"] }, actionType: { not: "external" } } })) === 0, { what: "an idle worker" });
  // Webhook deliveries (a test event, one sent again) are made by the worker too.
  await waitFor(async () => (await environment.db.webhookDelivery.count({ where: { status: "pending" } })) === 0, { what: "webhook deliveries sent" });
}

const columns = (row: string) => row.trim().split(/\s+/);

describe("every procedure x every role x own and other tenant", () => {
  it("the table covers exactly the router's procedures", () => {
    expect(Object.keys(matrix).sort()).toEqual(procedures.map((procedure) => procedure.path).sort());
    expect(Object.keys(inputs).sort()).toEqual(Object.keys(matrix).sort());
  });

  it.each(Object.entries(matrix))("%s", async (path, expected) => {
    const prepare = inputs[path];
    if (!prepare) throw new Error(`no input for ${path}`);
    const own = columns(expected.own);
    const other = columns(expected.other);
    const got: { own: string[]; other: string[] } = { own: [], other: [] };
    for (const [index, role] of roles.entries()) {
      got.own.push((await call(path, home.keys[role], await prepare(home))).outcome);
      if (other[0] === "-") continue;
      const foreignInput = await prepare(away);
      await settled();
      const before = await databaseFingerprint(environment.db);
      const foreign = await call(path, home.keys[role], foreignInput);
      // Whatever the answer, nothing of either tenant changed.
      expect(await databaseFingerprint(environment.db), `${path} as ${role} with the other tenant's ids wrote`).toBe(before);
      if (other[index] === "hidden") {
        // Nothing of the other tenant appears: none of its action, template or policy ids, slugs or names.
        const awayIds = await idsOf(away);
        const leaked = awayIds.filter((id) => foreign.body.includes(id));
        got.other.push(foreign.outcome === "ok" && leaked.length === 0 ? "hidden" : `${foreign.outcome} leaking ${leaked.join(",")}`);
      } else {
        got.other.push(foreign.outcome);
      }
    }
    expect(got.own, `${path} with the caller's own tenant`).toEqual(own);
    if (other[0] !== "-") expect(got.other, `${path} with the other tenant's ids`).toEqual(other);
    expect((await call(path, null, await prepare(home))).outcome, `${path} without a key`).toBe("UNAUTHORIZED");
  });

  it("another tenant's id answers exactly like an id that does not exist", async () => {
    const foreign = await pendingAction(away);
    const missing = 2_000_000_000;
    for (const path of ["action.get", "action.history", "action.approve", "action.cancel"]) {
      const a = await call(path, home.keys.admin, { actionId: foreign });
      const b = await call(path, home.keys.admin, { actionId: missing });
      expect(a.outcome).toBe("NOT_FOUND");
      expect(a.body.replace(String(foreign), "ID")).toBe(b.body.replace(String(missing), "ID"));
    }
  });
});

/** Strings that identify the other tenant's data in an answer: its id, and the slug every fixture of it carries in its text. */
async function idsOf(tenant: TestTenant): Promise<string[]> {
  const policies = await environment.db.approvalPolicy.findMany({ where: { tenantId: tenant.id }, select: { id: true } });
  return [tenant.id, tenant.slug, ...policies.map((row) => row.id)];
}
