import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

import { createActionWatcher } from "@leash/core";
import { createTestEnvironment, type TestEnvironment } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { createLeashClient } from "../src/client.ts";
import { createApiServer } from "../src/server.ts";

/** The real HTTP server on a free port, against the test file's database and queue. */
export async function startTestApi(environment: TestEnvironment, options: { watchIntervalMs?: number; apiKeyCacheMs?: number } = {}) {
  // Woken by the writers' announcements on the test file's own channel, as in production.
  const watcher = createActionWatcher({
    db: environment.db,
    logger: environment.deps.logger,
    subscriber: environment.redis.duplicate({ maxRetriesPerRequest: null }),
    prefix: environment.queuePrefix,
    ...(options.watchIntervalMs === undefined ? {} : { intervalMs: options.watchIntervalMs }),
  });
  const server = createApiServer({
    deps: environment.deps,
    watcher,
    ...(options.apiKeyCacheMs === undefined ? {} : { apiKeyCacheMs: options.apiKeyCacheMs }),
    apiKeyChanges: { subscriber: environment.redis.duplicate({ maxRetriesPerRequest: null }), prefix: environment.queuePrefix },
    checkReady: () => Promise.resolve({ ok: true, checks: { postgres: "ok", redis: "ok" } }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    trpcUrl: `${baseUrl}/trpc`,
    client: (apiKey: string) => createLeashClient({ url: `${baseUrl}/trpc`, apiKey }),
    /** A raw HTTP call, as a non-TypeScript agent would make it. */
    async call(method: "GET" | "POST", path: string, options: { apiKey?: string; body?: unknown; input?: unknown } = {}) {
      const query = options.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(options.input))}`;
      const response = await fetch(`${baseUrl}/trpc/${path}${query}`, {
        method,
        headers: {
          "content-type": "application/json",
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        ...(options.body === undefined ? {} : { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
      });
      return { status: response.status, body: (await response.json()) as { result?: { data: unknown }; error?: { message: string; data: { code: string; httpStatus: number; issues: { path: string[]; message: string }[] | null } } } };
    },
    async close() {
      watcher.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A test file's whole stack: a database and queue of its own, the real HTTP API and a real worker. */
export async function startApiStack() {
  // With a connector key, so that connectors can be made through the API.
  const environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
  const api = await startTestApi(environment);
  const worker = await startTestWorker(environment);
  return {
    environment,
    api,
    worker,
    async close() {
      await api.close();
      await worker.close();
      await environment.close();
    },
  };
}

/** An MCP client of the API at `baseUrl` with an API key; it is closed by the caller's `cleanups`. */
export async function connectMcpClient(baseUrl: string, apiKey: string, cleanups: (() => Promise<void>)[]): Promise<Client> {
  const client = new Client({ name: "leash-test-agent", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), { requestInit: { headers: { authorization: `Bearer ${apiKey}` } } });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}
