import { randomUUID } from "node:crypto";
import { createServer, type Server, type ServerResponse } from "node:http";

import { createHTTPHandler } from "@trpc/server/adapters/standalone";

import { authenticateApiKey, cacheApiKeyActors, createActionWatcher, metricsHandler, type ActionWatcher, type CoreDeps } from "@leash/core";

import packageJson from "../package.json" with { type: "json" };
import { bearerToken } from "./context.ts";
import { renderDocsPage } from "./docs/docs-page.ts";
import { buildOpenApiDocument } from "./docs/openapi-document.ts";
import { handleExport } from "./export-route.ts";
import { handleMcp } from "./mcp/mcp-route.ts";
import { limitApiKeys, retryAfterHeader, type ApiKeyRateLimiter } from "./rate-limit.ts";
import { countRequest, type ApiServerMetrics } from "./request-metrics.ts";
import { appRouter } from "./router.ts";

/** Largest request body accepted, in bytes (a batch of 100 actions at the 16 KiB parameter limit fits). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ApiServerOptions {
  deps: CoreDeps;
  /** Whether Postgres and Redis answer; /readyz reports it. */
  checkReady: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** How long an accepted API key is trusted without a database lookup, i.e. how late a revocation can take effect; 0 (the default) asks every time. */
  apiKeyCacheMs?: number;
  /** What waiting requests (action.wait, action.watch, MCP's wait_for_decision) sleep on; one per process. Close it at shutdown to answer them at once. */
  watcher?: ActionWatcher;
  /** Per-API-key request limits; none when omitted (tests). */
  rateLimiter?: ApiKeyRateLimiter;
  /** Request counts and latencies, and /metrics when a token is set; nothing is counted without. */
  metrics?: ApiServerMetrics;
}

export function createApiServer({
  deps,
  checkReady,
  apiKeyCacheMs = 0,
  watcher = createActionWatcher({ db: deps.db, logger: deps.logger }),
  rateLimiter,
  metrics,
}: ApiServerOptions): Server {
  const authenticate = limitApiKeys(
    cacheApiKeyActors((presented) => authenticateApiKey(deps.db, presented), { ttlMs: apiKeyCacheMs, clock: deps.clock }),
    rateLimiter,
  );
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req }) => ({ deps, apiKey: bearerToken(req), authenticate, watcher, requestId: randomUUID() }),
    responseMeta: ({ ctx, errors }) => ({ headers: { ...retryAfterHeader(errors), ...(ctx ? { "x-request-id": ctx.requestId } : {}) } }),
    onError: ({ error, path, ctx }) => {
      // The answer says only "Internal error (reference <requestId>)": the detail is here, under that id.
      if (error.code === "INTERNAL_SERVER_ERROR") deps.logger.error({ requestId: ctx?.requestId, path, err: error.cause ?? error }, "procedure failed");
    },
  });

  // Generated from the router once at start: the documentation always matches the running API.
  const openApiDocument = buildOpenApiDocument(appRouter, { version: packageJson.version, maxBodyBytes: MAX_BODY_BYTES });
  const docsPage = renderDocsPage(openApiDocument);
  const serveMetrics = metrics?.token ? metricsHandler({ registry: metrics.registry, token: metrics.token }) : null;

  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    if (metrics) countRequest(metrics.requests, path, response);
    if (path.startsWith("/trpc/")) {
      trpc(request, response);
      return;
    }
    const exportFormat = /^\/export\/actions\.(csv|json)$/.exec(path)?.[1];
    if (exportFormat === "csv" || exportFormat === "json") {
      if (request.method !== "GET") {
        sendJson(response, 405, { error: "Use GET" });
        return;
      }
      void handleExport({ deps, authenticate }, request, response, exportFormat);
      return;
    }
    if (path === "/mcp") {
      void handleMcp({ deps: { ...deps, watcher }, authenticate, maxBodyBytes: MAX_BODY_BYTES }, request, response);
      return;
    }
    if (path === "/openapi.json") {
      sendJson(response, 200, openApiDocument);
      return;
    }
    if (path === "/docs" || path === "/docs/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(docsPage);
      return;
    }
    if (path === "/metrics" && serveMetrics) {
      serveMetrics(request, response);
      return;
    }
    if (path === "/healthz") {
      sendJson(response, 200, { ok: true });
      return;
    }
    if (path === "/readyz") {
      void checkReady().then((ready) => sendJson(response, ready.ok ? 200 : 503, ready));
      return;
    }
    sendJson(response, 404, { error: "Not found. The API lives under /trpc/<router>.<procedure>; its documentation under /docs and /openapi.json." });
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
