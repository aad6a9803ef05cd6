import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

import type { Registry } from "prom-client";

const digest = (text: string) => createHash("sha256").update(text).digest();

/**
 * GET /metrics for Prometheus, behind a bearer token (METRICS_TOKEN): 401 without it or with
 * another, compared in constant time. The apps route /metrics here only when a token is set;
 * without one they do not serve it at all.
 */
export function metricsHandler(options: { registry: Registry; token: string }) {
  const expected = digest(options.token);
  return (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== "GET") {
      response.writeHead(405, { allow: "GET", "content-type": "application/json" });
      response.end(JSON.stringify({ error: "Use GET" }));
      return;
    }
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "")?.[1];
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      response.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "application/json" });
      response.end(JSON.stringify({ error: "A bearer token (METRICS_TOKEN) is required" }));
      return;
    }
    void options.registry.metrics().then(
      (text) => {
        response.writeHead(200, { "content-type": options.registry.contentType });
        response.end(text);
      },
      () => {
        response.writeHead(500, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: "metrics unavailable" }));
      },
    );
  };
}
