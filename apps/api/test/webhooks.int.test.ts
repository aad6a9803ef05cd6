import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { databaseFingerprint } from "@leash/db/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { startTestApi } from "./support.ts";

// Outbound webhooks through the API: admin keys only, bad input refused with nothing written, and
// an action proposed, approved and executed by the real worker reaching a real receiver, in order
// and signed as the README says.

const NUL = "\u0000";

let environment: TestEnvironment;
let api: Awaited<ReturnType<typeof startTestApi>>;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let acme: TestTenant;
let globex: TestTenant;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

interface Arrival {
  headers: IncomingHttpHeaders;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

/** A real HTTP receiver on 127.0.0.1 that takes everything (204). */
async function startReceiver() {
  const received: Arrival[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: request.headers, body, json: JSON.parse(body) as Arrival["json"] });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/leash-events`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The README's verification, by hand: HMAC-SHA256 of `id.timestamp.body` under the decoded secret, each `v1,` entry, 5 minutes. */
function verify(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = String(headers["webhook-id"]);
  const timestamp = String(headers["webhook-timestamp"]);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac("sha256", Buffer.from(secret.replace(/^whsec_/, ""), "base64")).update(`${id}.${timestamp}.${body}`).digest();
  return String(headers["webhook-signature"])
    .split(" ")
    .some((entry) => {
      const [version, signature] = entry.split(",");
      const given = Buffer.from(signature ?? "", "base64");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
  api = await startTestApi(environment);
  worker = await startTestWorker(environment, { webhookPolicy: { retryScheduleMs: [100, 200, 400], disableAfterMs: 60_000, timeoutMs: 2_000 } });
  acme = await createTestTenant(environment.db, "acme-webhooks");
  globex = await createTestTenant(environment.db, "globex-webhooks");
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver.close();
  await worker.close();
  await api.close();
  await environment.close();
});

const subscription = () => ({ url: receiver.url, eventTypes: ["action.proposed", "action.approved", "action.executed"], allowPrivateNetwork: true });

describe("webhook procedures", () => {
  it("are for admin keys only", async () => {
    const created = await api.call("POST", "webhook.create", { apiKey: acme.keys.admin, body: { ...subscription(), eventTypes: ["action.failed"] } });
    expect(created.status).toBe(200);
    const { endpoint } = created.body.result?.data as { endpoint: { id: string } };
    const calls: ["GET" | "POST", string, unknown][] = [
      ["GET", "webhook.list", undefined],
      ["GET", "webhook.get", { endpointId: endpoint.id }],
      ["POST", "webhook.create", subscription()],
      ["POST", "webhook.update", { endpointId: endpoint.id, description: "mine now" }],
      ["POST", "webhook.delete", { endpointId: endpoint.id }],
      ["POST", "webhook.rotateSecret", { endpointId: endpoint.id }],
      ["GET", "webhook.deliveries", { endpointId: endpoint.id }],
      ["POST", "webhook.redeliver", { deliveryId: 1 }],
      ["POST", "webhook.sendTest", { endpointId: endpoint.id }],
    ];
    const before = await databaseFingerprint(environment.db);
    for (const [method, path, input] of calls) {
      for (const apiKey of [acme.keys.approver, acme.keys.viewer, acme.keys.agent]) {
        const { status, body } = method === "GET" ? await api.call("GET", path, { apiKey, input }) : await api.call("POST", path, { apiKey, body: input });
        expect([path, status, body.error?.data.code]).toEqual([path, 403, "FORBIDDEN"]);
      }
      const anonymous = method === "GET" ? await api.call("GET", path, { input }) : await api.call("POST", path, { body: input });
      expect([path, anonymous.status]).toEqual([path, 401]);
    }
    expect(await databaseFingerprint(environment.db)).toBe(before);
  });

  it("refuse bad input with a 400, and another tenant's ids with a 404, changing nothing", async () => {
    const created = await api.call("POST", "webhook.create", { apiKey: globex.keys.admin, body: { ...subscription(), eventTypes: ["action.failed"] } });
    const foreign = (created.body.result?.data as { endpoint: { id: string } }).endpoint.id;
    const foreignDelivery = await environment.db.webhookDelivery.create({
      data: { tenantId: globex.id, endpointId: foreign, eventType: "webhook.test", messageId: "test_foreign", payload: {}, status: "delivered", nextAttemptAt: new Date() },
    });
    const before = await databaseFingerprint(environment.db);
    const refused: [string, "GET" | "POST", unknown, number, string][] = [
      ["webhook.create", "POST", { ...subscription(), description: `a${NUL}b` }, 400, "description"],
      ["webhook.create", "POST", { ...subscription(), description: "x\uD800" }, 400, "description"],
      ["webhook.create", "POST", { ...subscription(), url: `https://hooks.example.com/${"a".repeat(5_000)}` }, 400, "url"],
      ["webhook.create", "POST", { ...subscription(), url: "ftp://hooks.example.com/in" }, 400, "url"],
      ["webhook.create", "POST", { ...subscription(), url: "file:///etc/passwd" }, 400, "url"],
      ["webhook.create", "POST", { ...subscription(), url: "https://user:secret@hooks.example.com/in" }, 400, "url"],
      ["webhook.create", "POST", { ...subscription(), url: "http://169.254.169.254/latest/meta-data" }, 400, "url"],
      ["webhook.create", "POST", { ...subscription(), allowPrivateNetwork: false }, 400, "url"],
      ["webhook.create", "POST", { ...subscription(), eventTypes: ["action.exploded"] }, 400, "eventTypes.0"],
      ["webhook.create", "POST", { ...subscription(), eventTypes: [] }, 400, "eventTypes"],
      ["webhook.create", "POST", { ...subscription(), actionTypes: ["teleport"] }, 400, "actionTypes.0"],
      ["webhook.create", "POST", { ...subscription(), allowPrivateNetwork: "yes" }, 400, "allowPrivateNetwork"],
      ["webhook.create", "POST", { ...subscription(), signingSecret: "whsec_mine" }, 400, ""],
      ["webhook.update", "POST", { endpointId: "not-a-uuid" }, 400, "endpointId"],
      ["webhook.update", "POST", { endpointId: foreign, enabled: false }, 404, ""],
      ["webhook.update", "POST", { endpointId: foreign, description: `d${NUL}` }, 400, "description"],
      ["webhook.get", "GET", { endpointId: foreign }, 404, ""],
      ["webhook.delete", "POST", { endpointId: foreign }, 404, ""],
      ["webhook.rotateSecret", "POST", { endpointId: foreign }, 404, ""],
      ["webhook.deliveries", "GET", { endpointId: foreign }, 404, ""],
      ["webhook.deliveries", "GET", { endpointId: foreign, cursor: 2 ** 60 }, 400, "cursor"],
      ["webhook.deliveries", "GET", { endpointId: foreign, limit: 1_000 }, 400, "limit"],
      ["webhook.sendTest", "POST", { endpointId: foreign }, 404, ""],
      ["webhook.redeliver", "POST", { deliveryId: Number(foreignDelivery.id) }, 404, ""],
      ["webhook.redeliver", "POST", { deliveryId: -1 }, 400, "deliveryId"],
      ["webhook.redeliver", "POST", { deliveryId: "1" }, 400, "deliveryId"],
    ];
    for (const [path, method, input, expected, field] of refused) {
      const { status, body } = method === "GET" ? await api.call("GET", path, { apiKey: acme.keys.admin, input }) : await api.call("POST", path, { apiKey: acme.keys.admin, body: input });
      expect([path, JSON.stringify(input).slice(0, 80), status]).toEqual([path, JSON.stringify(input).slice(0, 80), expected]);
      if (field) expect(body.error?.data.issues?.map((issue) => issue.path.join("."))).toContain(field);
    }
    // A lone surrogate as raw JSON text, as a client that does not escape it sends it.
    const raw = `{"url":"${receiver.url}","eventTypes":["action.failed"],"allowPrivateNetwork":true,"description":"x\\udc00y"}`;
    expect((await api.call("POST", "webhook.create", { apiKey: acme.keys.admin, body: raw })).status).toBe(400);
    expect(await databaseFingerprint(environment.db)).toBe(before);
  });

  it("tell a receiver what happens to an action, in order and signed: proposed, approved, executed", async () => {
    const created = await api.call("POST", "webhook.create", { apiKey: acme.keys.admin, body: { ...subscription(), description: "CRM sync" } });
    const { endpoint, signingSecret } = created.body.result?.data as { endpoint: { id: string; eventTypes: string[] }; signingSecret: string };
    expect(signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(JSON.stringify((await api.call("GET", "webhook.list", { apiKey: acme.keys.admin })).body)).not.toContain(signingSecret);

    const agent = api.client(acme.keys.agent);
    const { action } = await agent.action.propose.mutate({ actionType: "create", targetType: "idea", parameters: { title: "Webhooks everywhere" }, reason: "Tell the CRM" });
    await api.client(acme.keys.approver).action.approve.mutate({ actionId: action.id });
    await waitFor(async () => Promise.resolve(receiver.received.filter((arrival) => arrival.json.data.actionId === action.id).length >= 3), { what: "three deliveries" });

    const arrivals = receiver.received.filter((arrival) => arrival.json.data.actionId === action.id);
    expect(arrivals.map((arrival) => [arrival.json.type, arrival.json.data.status])).toEqual([
      ["action.proposed", "pending"],
      ["action.approved", "approved"],
      ["action.executed", "executed"],
    ]);
    for (const arrival of arrivals) {
      expect(verify(signingSecret, arrival.headers, arrival.body)).toBe(true);
      expect(arrival.headers["webhook-id"]).toBe(`evt_${String(arrival.json.data.eventId)}`);
      expect(arrival.json.data).toMatchObject({ actionType: "create", targetType: "idea", tenant: acme.slug });
    }
    expect(arrivals[1]?.json.data).toMatchObject({ auto: false, actor: { kind: "api_key" } });
    expect(arrivals[0]?.json.data).toMatchObject({ actor: { kind: "api_key", label: acme.agent.label }, details: { reason: "Tell the CRM" } });

    type Item = { id: number; eventType: string; status: string; attempts: { statusCode: number }[] };
    // The receiver answered; the worker records the attempt just after.
    const items = await waitFor(
      async () => {
        const log = await api.call("GET", "webhook.deliveries", { apiKey: acme.keys.admin, input: { endpointId: endpoint.id } });
        const page = (log.body.result?.data as { items: Item[] }).items;
        return page.every((item) => item.status === "delivered") ? page : undefined;
      },
      { what: "the log to show them delivered" },
    );
    expect(items.map((item) => [item.eventType, item.status, item.attempts.map((attempt) => attempt.statusCode)])).toEqual([
      ["action.executed", "delivered", [204]],
      ["action.approved", "delivered", [204]],
      ["action.proposed", "delivered", [204]],
    ]);

    // Send again: the same webhook-id, so the receiver can drop it; then a test event with its own.
    const executed = items[0];
    if (!executed) throw new Error("no delivery");
    const again = await api.call("POST", "webhook.redeliver", { apiKey: acme.keys.admin, body: { deliveryId: executed.id } });
    expect(again.body.result?.data).toMatchObject({ id: executed.id, status: "pending" });
    const test = await api.call("POST", "webhook.sendTest", { apiKey: acme.keys.admin, body: { endpointId: endpoint.id } });
    expect(test.body.result?.data).toMatchObject({ eventType: "webhook.test", status: "pending" });
    await waitFor(async () => Promise.resolve(receiver.received.some((arrival) => arrival.json.type === "webhook.test")), { what: "the test event" });
    await waitFor(async () => Promise.resolve(receiver.received.filter((arrival) => arrival.headers["webhook-id"] === arrivals[2]?.headers["webhook-id"]).length === 2), {
      what: "the delivery sent again",
    });
    const detail = await api.call("GET", "webhook.get", { apiKey: acme.keys.admin, input: { endpointId: endpoint.id } });
    expect(detail.body.result?.data).toMatchObject({ id: endpoint.id, enabled: true, description: "CRM sync", failingSince: null });
  });
});
