import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";

import { exportActionsInputSchema } from "@leash/core";
import {
  anyUnicodeString,
  badInput,
  boundaryIntegerText,
  createTestItem,
  createTestTenant,
  edgeInstantText,
  junkValue,
  nestedValue,
  quotedInternals,
  serviceAddresses,
  testRedisUrl,
  toJsonText,
  waitFor,
  type TestEnvironment,
  type TestTenant,
} from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";

import { describeProcedures } from "../src/docs/describe-procedures.ts";
import { appRouter } from "../src/router.ts";
import { startApiStack } from "./support.ts";

// Guarantee 3 of RELIABILITY.md: whatever arrives, every procedure answers a clear 4xx or does its
// job, never a 5xx, no answer quotes the inside (file paths, stack lines, Prisma, SQL, the
// database's or Redis' address), and a refused request writes nothing.

const RUNS_PER_PROCEDURE = 60;

let stack: Awaited<ReturnType<typeof startApiStack>>;
let environment: TestEnvironment;
let tenant: TestTenant;
let validInputs: Record<string, Record<string, unknown> | null>;
let addresses: string[];

beforeAll(async () => {
  stack = await startApiStack();
  environment = stack.environment;
  addresses = serviceAddresses(environment.database.url, testRedisUrl);
  tenant = await createTestTenant(environment.db, "fuzz");
  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch" });
  const admin = stack.api.client(tenant.keys.admin);
  const { action } = await admin.action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } });
  const template = await admin.template.create.mutate({
    name: "Onboard",
    parameters: [{ name: "projectName", type: "string" }],
    steps: [{ actionType: "create", targetType: "project", parameters: { title: "{{params.projectName}}" } }],
  });
  // Notifications run without a person here, so inputs that wait for an action (proposeAndWait) end quickly.
  await admin.preference.set.mutate({ actionType: "notify", autoApprove: true });
  const notification = { actionType: "notify", parameters: { channel: "email", recipient: "a@b.c", message: "m" } };
  const idea = await admin.action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: "No" } });
  // A decided action: waiting for it answers at once.
  const ended = await admin.action.reject.mutate({ actionId: idea.action.id, reason: "no" });
  const { connector } = await admin.connector.create.mutate({ name: "orders-api", baseUrl: "https://orders.example.com", allowedMethods: ["POST"], allowedPathPrefixes: ["/orders"] });
  // Only `schedule` actions (none here) would be sent to it, and it points nowhere reachable: nothing is sent in the background.
  const webhook = await admin.webhook.create.mutate({ url: "https://hooks.example.com/fuzz", eventTypes: ["action.executed"], actionTypes: ["schedule"] });
  // An id junk is unlikely to hit: a "send again" of it would send in the background.
  const delivered = await environment.db.webhookDelivery.create({
    data: { id: 9_000_000_001n, tenantId: tenant.id, endpointId: webhook.endpoint.id, eventType: "webhook.test", messageId: "test_fuzz", payload: {}, status: "delivered", nextAttemptAt: new Date() },
  });
  const { batchId } = await admin.action.proposeBatch.mutate({ actions: [{ actionType: "create", targetType: "idea", parameters: { title: "One" } }, { actionType: "create", targetType: "idea", parameters: { title: "Two" } }] });
  const proposal = { actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "at_risk" } }, reason: "Deadline moved" };
  // A valid input of each procedure (that takes one), spoiled one part at a time by the properties.
  validInputs = {
    "action.propose": { ...proposal, idempotencyKey: "fuzz-1" },
    "action.proposeBatch": { actions: [proposal], reason: "batch" },
    "action.get": { actionId: action.id },
    "action.list": { status: "pending", actionType: ["notify"], targetType: "project", actor: "Ada", from: "2026-01-01T00:00:00Z", cursor: 1_000, limit: 10 },
    "action.history": { actionId: action.id },
    "action.approve": { actionId: action.id },
    "action.reject": { actionId: action.id, reason: "no" },
    "action.cancel": { actionId: action.id, reason: "no" },
    "action.complete": { actionId: action.id, outcome: "failed", result: { exitCode: 1 }, error: "the tool crashed" },
    "action.rollbackPreview": { actionId: action.id, cascade: true },
    "action.rollback": { actionId: action.id, confirm: true, cascade: false, reason: "undo" },
    "action.proposeAndWait": { ...notification, waitSeconds: 0 },
    "action.wait": { actionId: ended.id, waitSeconds: 0 },
    "action.watch": { actionId: ended.id },
    "batch.decide": { batchId, decision: "reject", reason: "no", excludeActionIds: [] },
    "trust.approveAndTrust": { actionId: action.id, days: 7 },
    "trust.revoke": { grantId: "5b0f8c1e-8a51-4d43-9d2e-7f0f3c1a2b4c" },
    "policy.set": { actionType: "link", targetType: "person", requiredApprovals: 2, separationOfDuties: true, expiresAfterSeconds: 3600, expiryFallback: "reject" },
    "policy.delete": { policyId: "5b0f8c1e-8a51-4d43-9d2e-7f0f3c1a2b4c" },
    "preference.set": { actionType: "notify", targetType: null, autoApprove: true },
    "template.create": { name: "Another", parameters: [{ name: "n", type: "integer" }], steps: [{ actionType: "delete", targetType: "idea", targetId: "{{params.n}}" }] },
    "template.update": { templateId: template.id, name: "Renamed", description: "why" },
    "template.delete": { templateId: template.id },
    "template.get": { templateId: template.id },
    "template.run": { templateId: template.id, parameters: { projectName: "Acme" }, reason: "go" },
    "connector.create": {
      name: "billing-api",
      baseUrl: "https://billing.example.com/v1",
      allowedMethods: ["POST", "DELETE"],
      allowedPathPrefixes: ["/invoices"],
      headers: [{ name: "Authorization", value: "Bearer secret-token", secret: true }],
      timeoutMs: 5_000,
      undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" },
    },
    "connector.update": { connectorId: connector.id, timeoutMs: 2_000, allowedPathPrefixes: ["/invoices", "/refunds"] },
    "connector.delete": { connectorId: connector.id },
    "connector.rotateSecret": { connectorId: connector.id },
    "metrics.summary": { window: "month", actionType: "update", apiKeyId: tenant.agent.apiKeyId },
    "webhook.create": { url: "https://hooks.example.com/other", description: "CRM", eventTypes: ["action.failed"], actionTypes: ["schedule"], allowPrivateNetwork: false },
    "webhook.update": { endpointId: webhook.endpoint.id, description: "changed", eventTypes: ["action.executed", "action.failed"] },
    "webhook.delete": { endpointId: webhook.endpoint.id },
    "webhook.get": { endpointId: webhook.endpoint.id },
    "webhook.rotateSecret": { endpointId: webhook.endpoint.id },
    "webhook.deliveries": { endpointId: webhook.endpoint.id, status: "delivered", cursor: 10, limit: 5 },
    "webhook.redeliver": { deliveryId: Number(delivered.id) },
    "webhook.sendTest": { endpointId: webhook.endpoint.id },
  };
});

afterAll(() => stack.close());

/** Whether the procedure's own schema accepts the input as the server reads it from JSON (a schema that throws counts as refusing). */
function accepts(schema: z.ZodType | null, input: unknown): boolean {
  if (!schema) return true;
  try {
    return schema.safeParse(JSON.parse(toJsonText(input))).success;
  } catch {
    return false;
  }
}

function expectNothingInternal(what: string, body: string) {
  expect(quotedInternals(body, addresses), `${what}: ${body.slice(0, 300)}`).toEqual([]);
}

/** The body as far as it came: a subscription on an action that has not ended streams until it is cut off. */
async function readBody(response: Response): Promise<string> {
  const decoder = new TextDecoder();
  let body = "";
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = response.body?.getReader();
  try {
    for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) body += decoder.decode(chunk.value, { stream: true });
  } catch {
    // Cut off by the signal below: what arrived is enough.
  }
  return body;
}

async function send(path: string, type: string, input: unknown) {
  const text = toJsonText(input);
  const response =
    type === "query" || type === "subscription"
      ? await fetch(`${stack.api.trpcUrl}/${path}?input=${encodeURIComponent(text)}`, {
          headers: { authorization: `Bearer ${tenant.keys.admin}` },
          ...(type === "subscription" ? { signal: AbortSignal.timeout(2_000) } : {}),
        })
      : await fetch(`${stack.api.trpcUrl}/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tenant.keys.admin}` },
          body: text,
        });
  return { status: response.status, body: await readBody(response) };
}

/** Accepted inputs may have queued work; it must be done before the next run measures "no write". */
async function workerIdle() {
  await waitFor(async () => (await environment.db.agentAction.count({ where: { status: { in: ["approved", "executing"] } } })) === 0, { what: "an idle worker" });
}

const procedures = describeProcedures(appRouter);

describe("every procedure refuses bad input with a 4xx and writes nothing", () => {
  it("has a valid sample for every procedure that takes input", () => {
    const withInput = procedures.filter((procedure) => procedure.input !== null).map((procedure) => procedure.path);
    expect(withInput.filter((path) => !(path in validInputs)), "procedures without a valid sample in this test").toEqual([]);
  });

  it.each(procedures.map((procedure) => [procedure.path, procedure] as const))("%s", async (path, procedure) => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(badInput(validInputs[path] ?? null), async (input) => {
        const before = await databaseFingerprint(environment.db);
        const { status, body } = await send(path, procedure.type, input);
        expect(status, body.slice(0, 300)).toBeLessThan(500);
        expectNothingInternal(path, body);
        if (procedure.type === "subscription" && status === 200) {
          // Over SSE tRPC answers 200 first and reports a refused input as an error event.
          expect(body).not.toContain("INTERNAL_SERVER_ERROR");
          if (!accepts(procedure.input, input)) {
            expect(body).toMatch(/event: serialized-error[\s\S]*"code":"BAD_REQUEST"/);
            refused += 1;
          }
          return;
        }
        if (status < 400) await workerIdle();
        if (!accepts(procedure.input, input)) {
          // 413/431: the body or the URL itself was over the server's limit, before any parsing.
          expect([400, 413, 431], body.slice(0, 300)).toContain(status);
          if (status === 400) {
            const error = (JSON.parse(body) as { error: { message: string; data: { code: string; issues: unknown[] | null } } }).error;
            expect(error.data.code).toBe("BAD_REQUEST");
            expect(error.message.length).toBeGreaterThan(0);
            expect(error.message.length).toBeLessThan(5_000);
          }
        }
        if (status >= 400) {
          refused += 1;
          expect(await databaseFingerprint(environment.db), `${path} wrote after answering ${status}`).toBe(before);
        }
      }),
      { numRuns: RUNS_PER_PROCEDURE },
    );
    // Procedures without input ignore what is sent; the others must have refused most of it.
    if (procedure.input) expect(refused).toBeGreaterThan(RUNS_PER_PROCEDURE / 2);
  });

  it("a value nested thousands of levels deep is refused by name, not by a stack overflow", async () => {
    const deep = nestedValue(5_000, "object");
    const cases: [string, unknown][] = [
      ["action.propose", { actionType: "create", targetType: "idea", parameters: { title: "deep", data: { description: deep } } }],
      ["template.create", { name: "Deep", steps: [{ actionType: "notify", parameters: { message: deep } }] }],
      ["template.run", { templateId: 1, parameters: { projectName: deep } }],
    ];
    for (const [path, input] of cases) {
      const before = await databaseFingerprint(environment.db);
      const { status, body } = await send(path, "mutation", input);
      expect(status, body.slice(0, 300)).toBe(400);
      expectNothingInternal(path, body);
      expect(body).toContain("must not nest more than 10 levels deep");
      expect(await databaseFingerprint(environment.db)).toBe(before);
    }
  });
});

describe("malformed HTTP never reaches a 5xx", () => {
  const mutations = procedures.filter((procedure) => procedure.type === "mutation").map((procedure) => procedure.path);
  const queries = procedures.filter((procedure) => procedure.type === "query" && procedure.input !== null).map((procedure) => procedure.path);

  it("bodies that are not JSON, wrong content types, and unsigned callers", async () => {
    const rawBody = fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fc.constantFrom("{", "[1,", '{"a":}', "\u0000", "null", "undefined", '{"__proto__":{"x":1}}'));
    const contentType = fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "");
    const key = fc.constantFrom(tenant.keys.admin, "", "lsh_forged", "Bearer", `${tenant.keys.admin}\u0000`);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...mutations), rawBody, contentType, key, async (path, body, type, apiKey) => {
        const before = await databaseFingerprint(environment.db);
        const response = await fetch(`${stack.api.trpcUrl}/${path}`, {
          method: "POST",
          headers: { ...(type ? { "content-type": type } : {}), ...(apiKey && !apiKey.includes("\u0000") ? { authorization: `Bearer ${apiKey}` } : {}) },
          body,
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expectNothingInternal(path, await response.text());
        expect(await databaseFingerprint(environment.db)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it("query strings that are not JSON, a mutation called with GET, batches of junk, unknown procedures", async () => {
    const target = fc.oneof(
      fc.tuple(fc.constantFrom(...queries), fc.string({ maxLength: 100 })).map(([path, junk]) => `${path}?input=${encodeURIComponent(junk)}x`),
      fc.constantFrom(...mutations).map((path) => `${path}?input=%7B%7D`),
      fc.tuple(fc.constantFrom(...queries), fc.constantFrom(...queries)).map(([a, b]) => `${a},${b}?batch=1&input=${encodeURIComponent('{"0":[1],"1":"x"}')}`),
      fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 50 }).map((name) => `${encodeURIComponent(name)}.nope`),
    );
    await fc.assert(
      fc.asyncProperty(target, async (path) => {
        const before = await databaseFingerprint(environment.db);
        const response = await fetch(`${stack.api.trpcUrl}/${path}`, { headers: { authorization: `Bearer ${tenant.keys.admin}` } });
        expect(response.status, path).toBeGreaterThanOrEqual(400);
        expect(response.status, path).toBeLessThan(500);
        expectNothingInternal(path, await response.text());
        expect(await databaseFingerprint(environment.db)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});

describe("the history export under junk filters", () => {
  const filters = Object.keys(exportActionsInputSchema.shape).filter((name) => name !== "format");
  /** Text a query parameter may carry: junk written as text, strings from all of Unicode, integers at the columns' bounds. */
  const junkParameter = fc.oneof(
    junkValue.map((value) => (typeof value === "string" ? value : toJsonText(value)).slice(0, 2_000)),
    anyUnicodeString,
    boundaryIntegerText,
    edgeInstantText,
    fc.constantFrom("", ",", "pending,", "0", "-1", "1e309"),
  );

  it("every filter, alone or repeated, in either format: a 4xx or a file, never a 5xx, nothing internal quoted, nothing written", async () => {
    const before = await databaseFingerprint(environment.db);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("csv", "json", "xml"), fc.array(fc.tuple(fc.constantFrom(...filters, "cursor", "format"), junkParameter), { minLength: 1, maxLength: 3 }), async (format, parameters) => {
        // A URL carries UTF-8: a lone surrogate is sent as U+FFFD, as a browser or an HTTP library sends it.
        const query = parameters.map(([name, value]) => `${name}=${encodeURIComponent(Buffer.from(value, "utf8").toString("utf8"))}`).join("&");
        const response = await fetch(`${stack.api.baseUrl}/export/actions.${format}?${query}`, { headers: { authorization: `Bearer ${tenant.keys.admin}` } });
        const body = await response.text();
        expect(response.status, `${query.slice(0, 300)}: ${body.slice(0, 300)}`).toBeLessThan(500);
        expectNothingInternal(`export ${query.slice(0, 100)}`, body);
      }),
      { numRuns: 80 },
    );
    expect(await databaseFingerprint(environment.db)).toBe(before);
  });
});
