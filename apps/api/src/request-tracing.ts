import type { IncomingMessage, ServerResponse } from "node:http";

import { inSpan, markSpanFailed } from "@leash/core";

import { procedureLabel } from "./request-metrics.ts";

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Runs each API request (tRPC, MCP, the exports) inside a server span named after its procedure or
 * route, ended when its answer is done; every span and log line of its work belongs to that trace.
 * Health, docs and /metrics are not traced.
 */
export function traceRequests(handle: RequestHandler): RequestHandler {
  return (request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const label = procedureLabel(path);
    if (label === null) {
      handle(request, response);
      return;
    }
    const method = request.method ?? "GET";
    void inSpan(
      `${method} ${label}`,
      { role: "server", attributes: { "http.request.method": method, "url.path": path } },
      (span) =>
        new Promise<void>((resolve) => {
          response.once("close", () => {
            span.setAttribute("http.response.status_code", response.statusCode);
            if (response.statusCode >= 500) markSpanFailed(span, `HTTP ${response.statusCode}`);
            resolve();
          });
          handle(request, response);
        }),
    );
  };
}
