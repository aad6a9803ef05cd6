import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

import { createHTTPHandler } from "@trpc/server/adapters/standalone";

import {
  authenticateApiKey,
  cacheApiKeyActors,
  createActionWatcher,
  createProposalBatcher,
  createWaitSlots,
  DEFAULT_PROPOSAL_BATCH_SIZE,
  keepIdleConnections,
  listenForApiKeyChanges,
  metricsHandler,
  throttleApiKeyLookups,
  type ActionWatcher,
  type ApiKeyAuthenticator,
  type ChannelSubscriber,
  type CoreDeps,
  type Throttle,
  type WaitDeps,
  type WaitSlots,
} from "@leash/core";

import packageJson from "../package.json" with { type: "json" };
import { bearerToken, clientAddress } from "./context.ts";
import { renderDocsPage } from "./docs/docs-page.ts";
import { buildOpenApiDocument } from "./docs/openapi-document.ts";
import { handleExport } from "./export-route.ts";
import { handleMcp } from "./mcp/mcp-route.ts";
import { limitApiKeys, retryAfterHeader, type ApiKeyRateLimiter } from "./rate-limit.ts";
import { countRequest, type ApiServerMetrics } from "./request-metrics.ts";
import { traceRequests } from "./request-tracing.ts";
import { appRouter } from "./router.ts";

/** Largest request body accepted, in bytes (a batch of 100 actions at the 16 KiB parameter limit fits). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export interface ApiServerOptions {
  deps: CoreDeps;
  /** Whether Postgres and Redis answer; /readyz reports it. */
  checkReady: () => Promise<{ ok: boolean; checks: Record<string, string> }>;
  /** How long an accepted API key is trusted without a database lookup, i.e. how late a revocation can take effect where its announcement is missed; 0 (the default) asks every time. */
  apiKeyCacheMs?: number;
  /** A Redis connection of its own on which revocations are announced (announceApiKeyChanges), so the key cache forgets them as soon as they arrive; the server disconnects it when it closes. */
  apiKeyChanges?: { subscriber: ChannelSubscriber; prefix: string };
  /** What waiting requests (action.wait, action.watch, MCP's wait_for_decision) sleep on; one per process. Close it at shutdown to answer them at once. */
  watcher?: ActionWatcher;
  /** Caps each API key's open waits and watches; pass Redis-backed slots so the cap holds across instances. Counted in this process only when omitted (tests). */
  waitSlots?: WaitSlots;
  /** How often a wait or watch re-checks its API key (through the key cache), so a revoked key stops waiting; core's default when omitted. */
  keyRecheckMs?: number;
  /** Per-API-key request limits; none when omitted (tests). */
  rateLimiter?: ApiKeyRateLimiter;
  /** Refused API keys counted per client address, refused before their lookup once over (core's createApiKeyLookupThrottle); none when omitted (tests). */
  keyLookupThrottle?: Throttle;
  /** Request counts and latencies, and /metrics when a token is set; nothing is counted without. */
  metrics?: ApiServerMetrics;
  /** Single proposals of concurrent requests written together at most (core's createProposalBatcher); 0 writes each alone. */
  proposalBatchSize?: number;
}

export function createApiServer({
  deps: given,
  checkReady,
  apiKeyCacheMs = 0,
  apiKeyChanges,
  watcher = createActionWatcher({ db: given.db, logger: given.logger }),
  waitSlots = createWaitSlots({ logger: given.logger }),
  keyRecheckMs,
  rateLimiter,
  keyLookupThrottle,
  metrics,
  proposalBatchSize = DEFAULT_PROPOSAL_BATCH_SIZE,
}: ApiServerOptions): Server {
  // One batcher per process: every way in (tRPC, proposeAndWait, MCP) shares its group commit.
  const deps: CoreDeps = proposalBatchSize > 0 ? { ...given, proposalBatcher: createProposalBatcher(given, { maxBatchSize: proposalBatchSize }) } : given;
  // A cached key is answered without a lookup, and so without the throttle's round trip to Redis.
  const { authenticate: lookUpKeyFrom, forget: forgetKeys } = cacheApiKeyActors(
    throttleApiKeyLookups((presented) => authenticateApiKey(deps.db, presented, deps.clock), keyLookupThrottle),
    { ttlMs: apiKeyCacheMs, clock: deps.clock },
  );
  const stopHearingKeyChanges = apiKeyChanges ? listenForApiKeyChanges({ ...apiKeyChanges, logger: deps.logger, forget: forgetKeys }) : null;
  /** The key lookup and authentication of one request, whose refused keys count against its client's address. */
  const keysOf = (request: IncomingMessage): { lookUpKey: ApiKeyAuthenticator; authenticate: ApiKeyAuthenticator } => {
    const address = clientAddress(request);
    const lookUpKey: ApiKeyAuthenticator = (presented) => lookUpKeyFrom(presented, address);
    return { lookUpKey, authenticate: limitApiKeys(lookUpKey, rateLimiter) };
  };
  const waits: WaitDeps = { db: deps.db, logger: deps.logger, watcher, slots: waitSlots, ...(keyRecheckMs === undefined ? {} : { keyRecheckMs }) };
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ req }) => ({ deps, apiKey: bearerToken(req), ...keysOf(req), waits, requestId: randomUUID() }),
    responseMeta: ({ ctx, errors }) => ({ headers: { ...retryAfterHeader(errors), ...(ctx ? { "x-request-id": ctx.requestId } : {}) } }),
    onError: ({ error, path, ctx }) => {
      // The answer says only "Internal error (reference <requestId>)": the detail is here, under that id.
      if (error.code === "INTERNAL_SERVER_ERROR") deps.logger.error({ requestId: ctx?.requestId, path, err: error.cause ?? error }, "procedure failed");
      if (error.code === "SERVICE_UNAVAILABLE") deps.logger.warn({ requestId: ctx?.requestId, path, err: error.cause ?? error }, "database unavailable");
    },
  });

  // Generated from the router once at start: the documentation always matches the running API.
  const openApiDocument = buildOpenApiDocument(appRouter, { version: packageJson.version, maxBodyBytes: MAX_BODY_BYTES });
  const docsPage = renderDocsPage(openApiDocument);
  const serveMetrics = metrics?.token ? metricsHandler({ registry: metrics.registry, token: metrics.token }) : null;

  const server = createServer(traceRequests((request, response) => {
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
      void handleExport({ deps, authenticate: keysOf(request).authenticate }, request, response, exportFormat);
      return;
    }
    if (path === "/mcp") {
      void handleMcp({ deps: { ...deps, ...waits }, ...keysOf(request), maxBodyBytes: MAX_BODY_BYTES }, request, response);
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
  }));
  if (stopHearingKeyChanges) server.on("close", stopHearingKeyChanges);
  return keepIdleConnections(server);
}

function sendJson(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}
