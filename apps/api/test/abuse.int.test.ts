import { once } from "node:events";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKeyLookupThrottle, createRedisConnection, silentLogger, type RedisConnection, type Throttle } from "@leash/core";
import { createTestEnvironment, createTestTenant, testRedisUrl, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { createApiKeyRateLimiter, type ApiKeyRateLimiter } from "../src/rate-limit.ts";
import { createApiServer } from "../src/server.ts";

let environment: TestEnvironment;
let tenant: TestTenant;
const servers: Server[] = [];
const clients: RedisConnection[] = [];

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  for (const client of clients) client.disconnect();
  await environment.close();
});

/** Another API instance on the same database and Redis, with its own rate limiter and options. */
async function startInstance(
  options: { rateLimiter?: ApiKeyRateLimiter; maxPendingActions?: number; keyLookupThrottle?: Throttle; apiKeyCacheMs?: number } = {},
): Promise<string> {
  const server = createApiServer({
    deps: { ...environment.deps, ...(options.maxPendingActions ? { maxPendingActions: options.maxPendingActions } : {}) },
    checkReady: () => Promise.resolve({ ok: true, checks: {} }),
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    ...(options.keyLookupThrottle ? { keyLookupThrottle: options.keyLookupThrottle } : {}),
    ...(options.apiKeyCacheMs ? { apiKeyCacheMs: options.apiKeyCacheMs } : {}),
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function redisClient(url: string): RedisConnection {
  // As the API connects its rate limits: fail fast, no offline queue, commands of one turn pipelined.
  const client = createRedisConnection({ url, role: "producer", name: "test", logger: silentLogger(), autoPipelining: true });
  clients.push(client);
  return client;
}

/**
 * A client that has connected: until then the limiter counts in memory per instance (its fallback
 * while Redis does not answer), which a test of the shared count must not start in.
 */
async function connectedRedisClient(url: string): Promise<RedisConnection> {
  const client = redisClient(url);
  if (client.status !== "ready") await once(client, "ready");
  return client;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { error?: { message: string; data: { code: string; httpStatus: number } } };
}

async function list(baseUrl: string, apiKey: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}/trpc/action.list?input=${encodeURIComponent("{}")}`, { headers: { authorization: `Bearer ${apiKey}` } });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Answer["body"] };
}

async function propose(baseUrl: string, apiKey: string, message: string): Promise<Answer> {
  const response = await fetch(`${baseUrl}/trpc/action.propose`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ actionType: "notify", parameters: { channel: "email", recipient: "x@example.com", message } }),
  });
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Answer["body"] };
}

describe("per-API-key rate limits", () => {
  it("answers 429 with Retry-After once a key is over its limit, counted across API instances in Redis", async () => {
    // A long window keeps the test free of timing: the count cannot reset halfway through.
    const limiter = async () =>
      createApiKeyRateLimiter({ redis: await connectedRedisClient(testRedisUrl), prefix: environment.queuePrefix, points: 4, windowSeconds: 60, burst: 0 });
    const [first, second] = [await startInstance({ rateLimiter: await limiter() }), await startInstance({ rateLimiter: await limiter() })];

    const answers: Answer[] = [];
    for (const baseUrl of [first, second, first, second, first, second]) answers.push(await list(baseUrl, tenant.keys.viewer));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 429, 429]);
    const refused = answers[4];
    expect(refused?.body.error?.data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429 });
    expect(refused?.body.error?.message).toMatch(/^Rate limit exceeded: an API key may send 4 requests per 60 s; retry after \d+ s$/);
    expect(Number(refused?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused?.retryAfter)).toBeLessThanOrEqual(60);

    // The export route counts against the same allowance.
    const exported = await fetch(`${first}/export/actions.json`, { headers: { authorization: `Bearer ${tenant.keys.viewer}` } });
    expect(exported.status).toBe(429);
    expect(Number(exported.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    // Each key has its own allowance.
    expect((await list(second, tenant.keys.agent)).status).toBe(200);
  });

  it("counts concurrent requests exactly when their counts leave Redis' connection together", async () => {
    const baseUrl = await startInstance({
      rateLimiter: createApiKeyRateLimiter({ redis: await connectedRedisClient(testRedisUrl), prefix: `${environment.queuePrefix}:together`, points: 5, windowSeconds: 60, burst: 3 }),
    });
    const answers = await Promise.all(Array.from({ length: 12 }, () => list(baseUrl, tenant.keys.viewer)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(8);
    expect(statuses.filter((status) => status === 429)).toHaveLength(4);
    expect(answers.find((answer) => answer.status === 429)?.body.error?.message).toMatch(/^Rate limit exceeded: an API key may send 5 requests per 60 s \(and 3 more over 10 s in bursts\)/);
  });

  it("keeps limiting in memory, per instance, while Redis does not answer", async () => {
    const unreachable = redisClient("redis://127.0.0.1:1");
    const baseUrl = await startInstance({
      rateLimiter: createApiKeyRateLimiter({ redis: unreachable, prefix: environment.queuePrefix, points: 2, windowSeconds: 60, burst: 0 }),
    });
    const statuses = [];
    for (let index = 0; index < 3; index += 1) statuses.push((await list(baseUrl, tenant.keys.admin)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it("does not count requests without a valid key against anyone (they are refused as unauthorised)", async () => {
    const baseUrl = await startInstance({
      rateLimiter: createApiKeyRateLimiter({ redis: await connectedRedisClient(testRedisUrl), prefix: `${environment.queuePrefix}:anon`, points: 1, windowSeconds: 60, burst: 0 }),
    });
    expect((await list(baseUrl, "lsh_not_a_key")).status).toBe(401);
    expect((await list(baseUrl, "lsh_not_a_key")).status).toBe(401);
    expect((await list(baseUrl, tenant.keys.approver)).status).toBe(200);
  });
});

describe("refused API keys per client address", () => {
  it("refuses an address that presented too many bad keys with 429 and Retry-After before looking up any more, across instances; good keys count nothing", async () => {
    // A long window keeps the test free of timing: the count cannot reset halfway through.
    const throttle = async () =>
      createApiKeyLookupThrottle({ redis: await connectedRedisClient(testRedisUrl), prefix: `${environment.queuePrefix}:lookups`, limits: { limit: 3, windowSeconds: 60 } });
    const [first, second] = [await startInstance({ keyLookupThrottle: await throttle() }), await startInstance({ keyLookupThrottle: await throttle() })];
    // Has looked its key up once, and answers it from its cache from then on.
    const caching = await startInstance({ keyLookupThrottle: await throttle(), apiKeyCacheMs: 60_000 });
    expect((await list(caching, tenant.keys.viewer)).status).toBe(200);

    for (let index = 0; index < 5; index += 1) expect((await list(index % 2 ? first : second, tenant.keys.viewer)).status).toBe(200);
    const bogus = [`lsh_${"x".repeat(12)}_${"y".repeat(43)}`, "lsh_not_a_key", tenant.keys.viewer.slice(0, -1) + "Z"];
    const statuses = [];
    for (const [index, key] of bogus.entries()) statuses.push((await list(index % 2 ? first : second, key)).status);
    expect(statuses).toEqual([401, 401, 401]);

    const refused = await list(first, bogus[0] ?? "");
    expect(refused.status).toBe(429);
    expect(refused.body.error?.data).toMatchObject({ code: "TOO_MANY_REQUESTS", httpStatus: 429 });
    expect(refused.body.error?.message).toMatch(/^Too many requests with an invalid API key from this address; retry after \d+ s$/);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);

    // Until the window ends, the address's keys are not looked up, good ones included, on every route that takes a key.
    expect((await list(second, tenant.keys.viewer)).status).toBe(429);
    const exported = await fetch(`${second}/export/actions.json`, { headers: { authorization: `Bearer ${tenant.keys.viewer}` } });
    expect(exported.status).toBe(429);
    expect(Number(exported.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const mcp = await fetch(`${first}/mcp`, {
      method: "POST",
      headers: { authorization: `Bearer ${tenant.keys.viewer}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(mcp.status).toBe(429);
    expect(Number(mcp.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);

    // A key already accepted is answered from the cache, without a lookup, so it goes on working.
    expect((await list(caching, tenant.keys.viewer)).status).toBe(200);
  });
});

describe("the cap on pending actions per tenant, over HTTP", () => {
  it("answers TOO_MANY_REQUESTS naming the count, and stores nothing", async () => {
    const capped = await createTestTenant(environment.db);
    const baseUrl = await startInstance({ maxPendingActions: 2 });
    expect((await propose(baseUrl, capped.keys.agent, "one")).status).toBe(200);
    expect((await propose(baseUrl, capped.keys.agent, "two")).status).toBe(200);
    const refused = await propose(baseUrl, capped.keys.agent, "three");
    expect(refused.status).toBe(429);
    expect(refused.body.error?.data.code).toBe("TOO_MANY_REQUESTS");
    expect(refused.body.error?.message).toMatch(/^Too many pending actions: this tenant has 2 or more waiting for a decision and may have at most 2/);
    expect(await environment.db.agentAction.count({ where: { tenantId: capped.id } })).toBe(2);
  });
});
