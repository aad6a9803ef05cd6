import type { Server } from "node:http";

/** How long an idle keep-alive connection stays open: longer than a load balancer's usual 60 s. */
export const KEEP_ALIVE_MS = 65_000;

/**
 * Node closes an idle keep-alive connection after 5 s, while a client's pool or a load balancer (60 s
 * idle by default on the common ones) may be sending its next request on it: that request then fails
 * as a reset connection, which a balancer answers with a 502. Every server of Leash (the API, the
 * console, the Slack bot) keeps idle connections longer than such a balancer does.
 */
export function keepIdleConnections<T extends Server>(server: T): T {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // A request's headers may take as long as the connection may idle, and a little more.
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return server;
}
