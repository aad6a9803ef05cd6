import type { IncomingMessage } from "node:http";

import type { ActionWatcher, ApiKeyAuthenticator, CoreDeps } from "@leash/core";

export interface ApiContext {
  deps: CoreDeps;
  /** The bearer token as sent; authenticated only by procedures that need an actor. */
  apiKey: string | undefined;
  /** Turns the bearer token into an actor (through the server's short-lived key cache). */
  authenticate: ApiKeyAuthenticator;
  /** The process's one watcher that waiting procedures (action.wait, action.watch) sleep on. */
  watcher: ActionWatcher;
  /** A random id of this request: an internal error is logged with it and answered with it as a reference, never with its detail. */
  requestId: string;
}

export function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}
