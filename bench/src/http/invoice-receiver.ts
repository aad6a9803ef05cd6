/**
 * The service the `http` workload calls, in a process of its own (started by the harness like the
 * apps): `POST /api/invoices` answers 201 with a new id at once, `GET /healthz` says it is up. It
 * checks nothing and keeps nothing, so both sides of the comparison pay the same small cost here.
 */
import { createServer } from "node:http";

import { env } from "../env.ts";

const port = env.BENCH_RECEIVER_PORT;
let next = 0;

const server = createServer((request, response) => {
  if (request.method === "GET" && request.url === "/healthz") {
    response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    return;
  }
  // Read the whole body before answering, as a real service would.
  request.on("data", () => undefined);
  request.on("end", () => {
    if (request.method === "POST" && request.url === "/api/invoices") {
      next += 1;
      response.writeHead(201, { "content-type": "application/json" }).end(`{"id":"inv_${next}"}`);
    } else {
      response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(port, "127.0.0.1");

process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
