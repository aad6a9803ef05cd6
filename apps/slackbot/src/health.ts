import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export type SlackStatus = { enabled: true; mode: "http" | "socket" } | { enabled: false; reason: string };

/** GET /healthz: the process is up, and whether (and how) it talks to Slack. */
export function healthHandler(status: SlackStatus) {
  return (_request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify({ ok: true, slack: status }));
  };
}

/** A server with only the health endpoint (and /metrics with a token), for Socket Mode and for a bot without credentials. */
export function createHealthServer(status: SlackStatus, serveMetrics: ((request: IncomingMessage, response: ServerResponse) => void) | null = null): Server {
  const health = healthHandler(status);
  return createServer((request, response) => {
    if (request.method === "GET" && request.url === "/healthz") {
      health(request, response);
      return;
    }
    if (request.url === "/metrics" && serveMetrics) {
      serveMetrics(request, response);
      return;
    }
    response.writeHead(404, { "content-type": "application/json" });
    response.end(JSON.stringify({ error: "Not found" }));
  });
}
