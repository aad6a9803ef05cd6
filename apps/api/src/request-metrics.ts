import type { ServerResponse } from "node:http";

import type { ApiMetrics, Registry } from "@leash/core";

import { describeProcedures } from "./docs/describe-procedures.ts";
import { appRouter } from "./router.ts";

/** What the API counts and exposes; /metrics is served only with a token (see README, "Metrics"). */
export interface ApiServerMetrics {
  registry: Registry;
  requests: ApiMetrics;
  /** METRICS_TOKEN: the bearer token /metrics asks for; without one /metrics is not served. */
  token: string | undefined;
}

const procedures = new Set(describeProcedures(appRouter).map((procedure) => procedure.path));
const otherRoutes = new Set(["/mcp", "/export/actions.csv", "/export/actions.json"]);

/**
 * The `procedure` label of a request: the tRPC procedure, `batch` for several at once, `unknown` for
 * a path that names none (so a caller cannot mint label values), the route of MCP and the exports;
 * null for what is not API traffic (health, docs, metrics).
 */
export function procedureLabel(path: string): string | null {
  if (path.startsWith("/trpc/")) {
    const name = path.slice("/trpc/".length);
    if (procedures.has(name)) return name;
    return name.includes(",") ? "batch" : "unknown";
  }
  return otherRoutes.has(path) ? path.slice(1).replaceAll("/", ".") : null;
}

/** Counts the request when its answer is done (sent, or cut off by the caller), by procedure and HTTP status. */
export function countRequest(metrics: ApiMetrics, path: string, response: ServerResponse): void {
  const procedure = procedureLabel(path);
  if (procedure === null) return;
  const started = performance.now();
  response.once("close", () => metrics.request(procedure, response.statusCode, (performance.now() - started) / 1000));
}
