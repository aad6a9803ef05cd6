import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createConnector } from "../src/connectors/create-connector.ts";
import type { CreateConnectorInput } from "../src/connectors/connector-inputs.ts";
import { findConnector } from "../src/connectors/find-connector.ts";
import { sendConnectorRequest, type SendConnectorRequestOptions } from "../src/connectors/send-connector-request.ts";
import type { StoredConnector } from "../src/connectors/stored-connector.ts";
import { CoreError } from "../src/errors.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

const key = randomBytes(32);
let environment: TestEnvironment;
let tenant: TestTenant;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: key });
  tenant = await createTestTenant(environment.db, "senders");
});

afterAll(async () => {
  for (const close of closers.splice(0)) await close();
  await environment.close();
});

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that records every request and answers with `handle`. */
async function receiver(handle: (request: Received, response: ServerResponse, index: number) => void) {
  const requests: Received[] = [];
  const server: Server = createHttpServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const received = { method: request.method ?? "", url: request.url ?? "", headers: request.headers, body: Buffer.concat(chunks).toString("utf8") };
      requests.push(received);
      handle(received, response, requests.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  closers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { port, origin: `http://127.0.0.1:${port}`, requests };
}

const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
};

let connectors = 0;
/** A connector created through core (so its secrets are really encrypted), read back as the action type would. */
async function connectorFor(baseUrl: string, overrides: Partial<CreateConnectorInput> = {}): Promise<{ connector: StoredConnector; signingSecret: string }> {
  connectors += 1;
  const name = `receiver-${connectors}`;
  const { signingSecret } = await createConnector(environment.deps, {
    actor: tenant.admin,
    input: {
      name,
      baseUrl,
      allowedMethods: ["GET", "POST", "DELETE"],
      allowedPathPrefixes: ["/invoices"],
      headers: [{ name: "Authorization", value: "Bearer sk_test_secret", secret: true }, { name: "X-Team", value: "growth" }],
      timeoutMs: 2_000,
      // The receivers listen on loopback.
      allowPrivateNetwork: true,
      ...overrides,
    },
  });
  const connector = await findConnector(environment.db, tenant.id, name);
  if (!connector) throw new Error("connector not stored");
  return { connector, signingSecret };
}

const send = (connector: StoredConnector, options: Partial<SendConnectorRequestOptions> = {}) =>
  sendConnectorRequest({ connector, key, method: "POST", path: "/invoices", body: { amount: 12 }, idempotencyKey: "action-7", messageId: "msg_action-7", now: new Date(), ...options });

/** The CoreError a request failed with. */
async function failure(sending: Promise<unknown>): Promise<CoreError> {
  const error = await sending.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof CoreError)) throw new Error(`expected a CoreError, got ${String(error)}`);
  return error;
}

describe("sendConnectorRequest", () => {
  it("sends the JSON body with the connector's headers, the idempotency key and a Standard Webhooks signature, and records the answer", async () => {
    const billing = await receiver((_request, response) => json(response, 201, { id: "inv_1", total: 12 }, { "x-request-id": "req_42", "set-cookie": "a=b" }));
    const { connector, signingSecret } = await connectorFor(`${billing.origin}/v1/`);
    const result = await send(connector);

    expect(result).toMatchObject({
      status: 201,
      url: `${billing.origin}/v1/invoices`,
      headers: { "content-type": "application/json", "x-request-id": "req_42" },
      body: { id: "inv_1", total: 12 },
      truncated: false,
    });
    expect(result.headers).not.toHaveProperty("set-cookie");
    expect(result.durationMs).toBeGreaterThanOrEqual(0);

    const [request] = billing.requests;
    if (!request) throw new Error("no request arrived");
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/v1/invoices");
    expect(request.body).toBe('{"amount":12}');
    expect(request.headers).toMatchObject({
      "content-type": "application/json",
      authorization: "Bearer sk_test_secret",
      "x-team": "growth",
      "idempotency-key": "action-7",
      "webhook-id": "msg_action-7",
      host: `127.0.0.1:${billing.port}`,
    });

    // The receiver verifies the signature with the Standard Webhooks library...
    const headers = { "webhook-id": String(request.headers["webhook-id"]), "webhook-timestamp": String(request.headers["webhook-timestamp"]), "webhook-signature": String(request.headers["webhook-signature"]) };
    expect(new Webhook(signingSecret).verify(request.body, headers)).toEqual({ amount: 12 });
    expect(() => new Webhook(signingSecret).verify('{"amount":13}', headers)).toThrow("No matching signature found");

    // ...and by hand: HMAC-SHA256 of "<id>.<timestamp>.<body>", keyed with the base64-decoded part of whsec_, in base64 after "v1,".
    const secret = Buffer.from(signingSecret.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", secret).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${request.body}`).digest();
    const [version, signature] = headers["webhook-signature"].split(",");
    expect(version).toBe("v1");
    expect(timingSafeEqual(Buffer.from(signature ?? "", "base64"), expected)).toBe(true);
    expect(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);
  });

  it("times out a slow receiver within the connector's timeout: retryable", async () => {
    const slow = await receiver((_request, response) => setTimeout(() => json(response, 200, {}), 2_000));
    const { connector } = await connectorFor(slow.origin, { timeoutMs: 300 });
    const started = Date.now();
    const error = await failure(send(connector));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({ code: "CONFLICT", retryable: true, message: `${connector.name} did not answer within 300 ms` });
  });

  it("times out a receiver that accepts the connection and never answers: retryable", async () => {
    const sockets = new Set<Socket>();
    const silent = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => { for (const socket of sockets) socket.destroy(); silent.close(() => resolve()); }));
    const { connector } = await connectorFor(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, { timeoutMs: 400 });
    expect(await failure(send(connector))).toMatchObject({ retryable: true, message: `${connector.name} did not answer within 400 ms` });
    expect(sockets.size).toBe(1);
  });

  it("500 then 200: the first attempt is retryable, the retry carries the same idempotency key and succeeds", async () => {
    const flaky = await receiver((_request, response, index) => (index === 0 ? json(response, 500, { error: "boom" }) : json(response, 200, { id: "inv_2" })));
    const { connector } = await connectorFor(flaky.origin);
    expect(await failure(send(connector))).toMatchObject({ retryable: true, message: `${connector.name} answered 500 Internal Server Error`, retryAfterMs: undefined });
    await expect(send(connector)).resolves.toMatchObject({ status: 200, body: { id: "inv_2" } });
    expect(flaky.requests.map((request) => request.headers["idempotency-key"])).toEqual(["action-7", "action-7"]);
  });

  it("a 404 is permanent, with the status and an excerpt of the answer", async () => {
    const missing = await receiver((_request, response) => json(response, 404, { error: "no such invoice", detail: "x".repeat(500) }));
    const { connector } = await connectorFor(missing.origin);
    const error = await failure(send(connector, { method: "DELETE", path: "/invoices/9", body: undefined }));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(new RegExp(`^${connector.name} answered 404 Not Found: \\{"error":"no such invoice","detail":"x+…$`));
    expect(error.message.length).toBeLessThan(260);
    // No body: no content-type, still signed over the empty body.
    expect(missing.requests[0]?.headers["content-type"]).toBeUndefined();
    expect(missing.requests[0]?.headers["webhook-signature"]).toMatch(/^v1,/);
  });

  it("429 with Retry-After: 2 is retryable after 2 s; 503 with an HTTP date too", async () => {
    const limited = await receiver((_request, response, index) =>
      index === 0 ? json(response, 429, { error: "slow down" }, { "retry-after": "2" }) : json(response, 503, {}, { "retry-after": new Date(Date.now() + 60_000).toUTCString() }),
    );
    const { connector } = await connectorFor(limited.origin);
    expect(await failure(send(connector))).toMatchObject({ retryable: true, retryAfterMs: 2000, message: `${connector.name} answered 429 Too Many Requests; it asks to retry after 2 s` });
    const unavailable = await failure(send(connector));
    expect(unavailable).toMatchObject({ retryable: true });
    expect(unavailable.retryAfterMs).toBeGreaterThan(55_000);
    expect(unavailable.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it("408 is retryable", async () => {
    const impatient = await receiver((_request, response) => json(response, 408, {}));
    const { connector } = await connectorFor(impatient.origin);
    expect(await failure(send(connector))).toMatchObject({ retryable: true, message: `${connector.name} answered 408 Request Timeout` });
  });

  it("reads at most 64 KiB of a huge answer, marks it truncated and closes the connection instead of draining it", async () => {
    const total = 64 * 1024 * 1024;
    let written = 0;
    let closed = false;
    const huge = await receiver((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, "a");
      const pump = () => {
        while (written < total && !closed) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once("drain", pump);
        }
        response.end();
      };
      response.on("close", () => (closed = true));
      pump();
    });
    const { connector } = await connectorFor(huge.origin);
    const before = process.memoryUsage().arrayBuffers;
    const result = await send(connector);
    expect(result.truncated).toBe(true);
    expect(result.body).toBe("a".repeat(64 * 1024));
    await expect.poll(() => closed).toBe(true);
    expect(written).toBeLessThan(total / 4);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 * 1024 * 1024);
  });

  it("does not follow a redirect to another origin: permanent, naming the location, and the other receiver sees nothing", async () => {
    const elsewhere = await receiver((_request, response) => json(response, 200, {}));
    const redirecting = await receiver((_request, response) => {
      response.writeHead(302, { location: `${elsewhere.origin}/v1/invoices/1` });
      response.end();
    });
    const { connector } = await connectorFor(`${redirecting.origin}/v1`);
    const error = await failure(send(connector));
    expect(error).toMatchObject({
      retryable: false,
      message: `${connector.name} redirected to ${elsewhere.origin}/v1/invoices/1: that is outside its base URL ${redirecting.origin}/v1; the redirect was not followed`,
    });
    expect(elsewhere.requests).toEqual([]);
    expect(redirecting.requests).toHaveLength(1);
  });

  it("does not follow a redirect out of the base path or the allowed prefixes of the same origin", async () => {
    const redirecting = await receiver((request, response) => {
      response.writeHead(307, { location: request.url === "/v1/invoices" ? "/admin" : "/v1/customers/1" });
      response.end();
    });
    const { connector } = await connectorFor(`${redirecting.origin}/v1`);
    expect((await failure(send(connector))).message).toContain("redirected to /admin: that is outside its base URL");
    expect(redirecting.requests.map((request) => request.url)).toEqual(["/v1/invoices"]);
  });

  it("follows a redirect within the base URL (a 303 with GET, re-checked and signed), at most 3 in a row", async () => {
    const billing = await receiver((request, response) => {
      if (request.url === "/v1/invoices") {
        response.writeHead(303, { location: "/v1/invoices/9" });
        response.end();
      } else if (request.url === "/v1/invoices/9") json(response, 200, { id: 9 });
      else {
        response.writeHead(307, { location: `/v1/invoices/loop-${Number(/\d+$/.exec(request.url)?.[0] ?? 0) + 1}` });
        response.end();
      }
    });
    const { connector, signingSecret } = await connectorFor(`${billing.origin}/v1`);
    await expect(send(connector)).resolves.toMatchObject({ status: 200, url: `${billing.origin}/v1/invoices/9`, body: { id: 9 } });
    const [post, get] = billing.requests;
    expect([post?.method, get?.method, get?.body]).toEqual(["POST", "GET", ""]);
    expect(get?.headers["idempotency-key"]).toBe("action-7");
    const signed = { "webhook-id": String(get?.headers["webhook-id"]), "webhook-timestamp": String(get?.headers["webhook-timestamp"]), "webhook-signature": String(get?.headers["webhook-signature"]) };
    expect(() => new Webhook(signingSecret).verify("", signed, { jsonParse: false })).not.toThrow();

    const looping = await failure(send(connector, { method: "GET", path: "/invoices/loop-0", body: undefined }));
    expect(looping.message).toContain("more than 3 redirects in a row");
    expect(billing.requests.map((request) => request.url).slice(2)).toEqual(["/v1/invoices/loop-0", "/v1/invoices/loop-1", "/v1/invoices/loop-2", "/v1/invoices/loop-3"]);
  });

  it("refuses a host name that resolves to a private address unless the connector allows the private network, and connects to the address it checked", async () => {
    const internal = await receiver((request, response) => json(response, 200, { host: request.headers.host }));
    let lookups = 0;
    const resolve = (hostname: string) => {
      lookups += 1;
      return Promise.resolve(hostname === "billing.internal.test" ? [{ address: "127.0.0.1", family: 4 }] : []);
    };
    const closed = await connectorFor(`http://billing.internal.test:${internal.port}`, { allowPrivateNetwork: false });
    expect(await failure(send(closed.connector, { resolve }))).toMatchObject({
      code: "INVALID",
      retryable: false,
      message: `${closed.connector.name} may not connect to billing.internal.test (127.0.0.1): 127.0.0.1 is a loopback address; connectors reach only public addresses unless they allow the private network`,
    });
    const tenLookup = () => Promise.resolve([{ address: "93.184.216.34", family: 4 }, { address: "10.0.0.5", family: 4 }]);
    expect((await failure(send(closed.connector, { resolve: tenLookup }))).message).toContain("(10.0.0.5): 10.0.0.5 is a private address");
    expect(internal.requests).toEqual([]);

    // Allowed, it connects to the address resolved once, and tells the receiver the name it asked for.
    const open = await connectorFor(`http://billing.internal.test:${internal.port}`, { allowPrivateNetwork: true });
    lookups = 0;
    await expect(send(open.connector, { resolve })).resolves.toMatchObject({ status: 200, body: { host: `billing.internal.test:${internal.port}` } });
    expect(lookups).toBe(1);
  });

  it("refuses localhost through the real resolver without allowPrivateNetwork", async () => {
    const local = await receiver((_request, response) => json(response, 200, {}));
    const { connector } = await connectorFor(`http://localhost:${local.port}`, { allowPrivateNetwork: false });
    expect((await failure(send(connector))).message).toMatch(new RegExp(`^${connector.name} may not connect to localhost \\((127\\.0\\.0\\.1|::1)\\): .* is a loopback address`));
    expect(local.requests).toEqual([]);
  });

  it("refuses the cloud metadata address 169.254.169.254 at once, even with allowPrivateNetwork", async () => {
    for (const allowPrivateNetwork of [false, true]) {
      const { connector } = await connectorFor("http://169.254.169.254/latest", { allowPrivateNetwork, allowedPathPrefixes: ["/meta-data"] });
      const started = Date.now();
      expect(await failure(send(connector, { method: "GET", path: "/meta-data/iam", body: undefined }))).toMatchObject({
        code: "INVALID",
        retryable: false,
        message: `${connector.name} may not connect to 169.254.169.254: 169.254.169.254 is a link-local address (the cloud metadata service's range); connectors never reach it`,
      });
      expect(Date.now() - started).toBeLessThan(500);
    }
  });

  it("reports refused connections and failed lookups as retryable", async () => {
    const gone = await receiver(() => undefined);
    const { connector } = await connectorFor(gone.origin);
    for (const close of closers.splice(-1)) await close();
    expect(await failure(send(connector))).toMatchObject({ retryable: true, message: `${connector.name} refused the connection` });

    const unknown = Object.assign(new Error("getaddrinfo ENOTFOUND billing.invalid"), { code: "ENOTFOUND" });
    const named = await connectorFor("http://billing.invalid", { allowPrivateNetwork: false });
    expect(await failure(send(named.connector, { resolve: () => Promise.reject(unknown) }))).toMatchObject({
      retryable: true,
      message: `${named.connector.name}'s host billing.invalid could not be resolved (ENOTFOUND)`,
    });
  });

  it("refuses what the connector does not allow before sending, and needs the key", async () => {
    const billing = await receiver((_request, response) => json(response, 200, {}));
    const { connector } = await connectorFor(billing.origin);
    expect(await failure(send(connector, { method: "PUT" }))).toMatchObject({ code: "INVALID", message: `${connector.name} does not allow PUT (allowed: GET, POST, DELETE).` });
    expect(await failure(send(connector, { path: "/invoices/%2e%2e/admin" }))).toMatchObject({ code: "INVALID" });
    expect(await failure(send(connector, { key: undefined }))).toMatchObject({ message: "connectors need CONNECTOR_SECRET_KEY: set it to 32 random bytes, hex" });
    expect(billing.requests).toEqual([]);
  });
});
