import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

/** GET /healthz (503 while stopping) and, when a metrics token is set, GET /metrics. */
export function createHealthServer(options: {
  workerId: string;
  stopping: () => boolean;
  serveMetrics: ((request: IncomingMessage, response: ServerResponse) => void) | null;
}): Server {
  return createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/metrics" && options.serveMetrics) {
      options.serveMetrics(request, response);
      return;
    }
    const ok = path === "/healthz" && !options.stopping();
    response.writeHead(ok ? 200 : path === "/healthz" ? 503 : 404, { "content-type": "application/json" });
    response.end(JSON.stringify({ ok, workerId: options.workerId }));
  });
}
