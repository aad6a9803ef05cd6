import type { AddressInfo } from "node:net";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createLogger } from "@leash/core";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { createDb, Prisma, type Db } from "@leash/db";

import { readinessCheck } from "../src/readiness.ts";
import { createApiServer, type ApiServerOptions } from "../src/server.ts";

// Issue 15, item 7: an internal error tells the caller a reference and nothing of the inside (no
// Prisma message, no file path, no host); the log holds the detail under that reference.

/** What the server logged, one parsed pino line each. */
const lines: Record<string, unknown>[] = [];
const logger = createLogger({ name: "api-test", level: "info", destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } });

let environment: TestEnvironment;
let tenant: TestTenant;
const servers: { close(callback: () => void): unknown }[] = [];

async function serve(options: Omit<ApiServerOptions, "deps"> & { deps?: ApiServerOptions["deps"] }): Promise<string> {
  const server = createApiServer({ deps: { ...environment.deps, logger }, ...options });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "internal");
});

afterAll(async () => {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  await environment.close();
});

/** A Prisma error as Prisma words it: the call, the server's file path and source line. */
const prismaError = () =>
  new Prisma.PrismaClientKnownRequestError(
    "\nInvalid `tx.agentAction.findMany()` invocation in\n/work/main/packages/core/src/actions/list-actions.ts:42:7\n\n  41 const rows = await\n→ 42 tx.agentAction.findMany(\nError occurred during query execution: ConnectorError(... 127.0.0.1:5432 ...)",
    { code: "P2010", clientVersion: "7.0.0" },
  );

/** How SQL statements leave a client wrapped in a proxy (`sqlFor` finds no pool of its own for it). */
const sqlMethods = new Set<string | symbol>(["$queryRaw", "$executeRaw"]);

/** The real database, except that every read of actions throws `error`: the API key lookup still works. */
function dbWhoseActionsThrow(error: () => Error): Db {
  const failingModel = new Proxy({}, { get: () => () => Promise.reject(error()) });
  const failingSql = () => Promise.reject(error());
  return new Proxy(environment.db, {
    get: (target, property, receiver) =>
      (property === "agentAction" ? failingModel : sqlMethods.has(property) ? failingSql : Reflect.get(target, property, receiver)) as unknown,
  });
}

const insideDetail = /\/work\/|\.ts:|invocation|prisma|agentAction|127\.0\.0\.1|5432|stack/i;

describe("an internal error answers a reference, never its detail", () => {
  it.each([
    ["a Prisma error", prismaError],
    ["any other error", () => new TypeError("Cannot read properties of undefined (reading 'id') at /work/main/packages/core/src/actions/list-actions.ts:51:3")],
  ])("%s", async (_name, error) => {
    const url = await serve({ deps: { ...environment.deps, logger, db: dbWhoseActionsThrow(error) }, checkReady: () => Promise.resolve({ ok: true, checks: {} }) });
    const response = await fetch(`${url}/trpc/action.list?input=${encodeURIComponent("{}")}`, { headers: { authorization: `Bearer ${tenant.keys.admin}` } });
    const text = await response.text();
    expect(response.status).toBe(500);
    expect(text).not.toMatch(insideDetail);
    const body = JSON.parse(text) as { error: { message: string; data: { code: string } } };
    expect(body.error.data.code).toBe("INTERNAL_SERVER_ERROR");
    const reference = /^Internal error \(reference ([0-9a-f-]{36})\)$/.exec(body.error.message)?.[1];
    expect(reference, body.error.message).toBeDefined();
    expect(response.headers.get("x-request-id")).toBe(reference);
    // The log has the detail, under the same reference.
    const logged = lines.find((line) => line.requestId === reference);
    expect(logged?.msg).toBe("procedure failed");
    expect(JSON.stringify(logged?.err)).toContain("list-actions.ts");
  });

  it("errors other than internal ones keep their message", async () => {
    const url = await serve({ checkReady: () => Promise.resolve({ ok: true, checks: {} }) });
    const response = await fetch(`${url}/trpc/action.get?input=${encodeURIComponent(JSON.stringify({ actionId: 2_000_000_000 }))}`, { headers: { authorization: `Bearer ${tenant.keys.admin}` } });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).not.toMatch(/^Internal error/);
  });
});

describe("the database out of reach", () => {
  it("answers 503 with Retry-After and a message that invites a retry and names nothing inside", async () => {
    // Nothing listens on port 1: every read of actions fails to connect, as during a Postgres restart;
    // the API key lookup still reaches the real database.
    const unreachable = createDb({ connectionString: "postgresql://postgres@127.0.0.1:1/secret_database_name", maxConnections: 1 });
    const db = new Proxy(environment.db, {
      get: (target, property, receiver) =>
        (property === "agentAction"
          ? unreachable.agentAction
          : sqlMethods.has(property)
            ? (Reflect.get(unreachable, property) as (...args: unknown[]) => unknown).bind(unreachable)
            : Reflect.get(target, property, receiver)) as unknown,
    });
    try {
      const url = await serve({ deps: { ...environment.deps, logger, db }, checkReady: () => Promise.resolve({ ok: true, checks: {} }) });
      const response = await fetch(`${url}/trpc/action.list?input=${encodeURIComponent("{}")}`, { headers: { authorization: `Bearer ${tenant.keys.admin}` } });
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      expect(text).not.toMatch(/127\.0\.0\.1|:1\b|secret_database_name|ECONNREFUSED|\.ts:/);
      const body = JSON.parse(text) as { error: { message: string; data: { code: string } } };
      expect(body.error.data.code).toBe("SERVICE_UNAVAILABLE");
      expect(body.error.message).toMatch(/cannot reach its database at the moment; try again/);
      const logged = lines.find((line) => line.requestId === response.headers.get("x-request-id"));
      expect(logged?.msg).toBe("database unavailable");
    } finally {
      await unreachable.$disconnect();
    }
  });
});

describe("/readyz", () => {
  it("answers which dependency is unavailable, without its error (host, port, database), and logs the error", async () => {
    // Nothing listens on port 1: both refuse the connection, with errors that name 127.0.0.1:1.
    const db = createDb({ connectionString: "postgresql://postgres@127.0.0.1:1/secret_database_name", maxConnections: 1 });
    const redis = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on("error", () => undefined);
    try {
      const url = await serve({ checkReady: readinessCheck({ db, redis, logger }) });
      const response = await fetch(`${url}/readyz`);
      const text = await response.text();
      expect(response.status).toBe(503);
      expect(JSON.parse(text)).toEqual({ ok: false, checks: { postgres: "unavailable", redis: "unavailable" } });
      expect(text).not.toMatch(/127\.0\.0\.1|:1\b|secret_database_name|ECONNREFUSED/);
      const logged = lines.filter((line) => line.msg === "readiness check failed");
      expect(logged.map((line) => line.check)).toEqual(expect.arrayContaining(["postgres", "redis"]));
      // What used to be the answer: the errors themselves, naming where the services are.
      expect(JSON.stringify(logged)).toMatch(/127\.0\.0\.1:1|ECONNREFUSED/);
    } finally {
      redis.disconnect();
      await db.$disconnect();
    }
  });

  it("answers ok when both answer", async () => {
    const redis = new Redis("redis://127.0.0.1:6379", { lazyConnect: true });
    try {
      const url = await serve({ checkReady: readinessCheck({ db: environment.db, redis, logger }) });
      const response = await fetch(`${url}/readyz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ ok: true, checks: { postgres: "ok", redis: "ok" } });
    } finally {
      redis.disconnect();
    }
  });
});
