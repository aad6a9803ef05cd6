import type { IncomingMessage } from "node:http";

import type { ApiKeyAuthenticator, CoreDeps, WaitDeps } from "@leash/core";

export interface ApiContext {
  deps: CoreDeps;
  /** The bearer token as sent; authenticated only by procedures that need an actor. */
  apiKey: string | undefined;
  /** Turns the bearer token into an actor (through the server's short-lived key cache). */
  authenticate: ApiKeyAuthenticator;
  /** The same key lookup without counting a request against the key's rate limit: waits re-check their key with it while they last. */
  lookUpKey: ApiKeyAuthenticator;
  /** What waiting procedures (action.proposeAndWait, action.wait, action.watch) run against: the process's one watcher and the per-key slots. */
  waits: WaitDeps;
  /** A random id of this request: an internal error is logged with it and answered with it as a reference, never with its detail. */
  requestId: string;
}

export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/**
 * The client's address as the socket has it. X-Forwarded-For is not read: no setting says that a
 * trusted proxy stands in front of the API, and a header any client can send must not decide whose
 * count a refused key goes to. Behind a proxy this is the proxy's address.
 */
export function clientAddress(request: IncomingMessage): string | undefined {
  return request.socket.remoteAddress;
}
