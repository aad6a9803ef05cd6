import { createHash } from "node:crypto";

import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";

export type ApiKeyAuthenticator = (presented: string | undefined) => Promise<Actor>;

export interface ApiKeyCacheOptions {
  /**
   * How long an accepted key is trusted without asking the database again: the bound on how late a
   * revocation (or a role change) takes effect in this process. 0 turns the cache off.
   */
  ttlMs: number;
  clock: Clock;
  /** Entries kept at most; the cache starts over when full, so a flood of distinct keys cannot grow it. */
  maxEntries?: number;
}

/**
 * Remembers accepted API keys for `ttlMs`, keyed by the SHA-256 of the presented key, so that an
 * agent's every request does not cost a database round trip. Refusals are never cached: a key that
 * failed is checked again on its next use. What follows the key (the client's address) is passed on
 * to `authenticate` on a miss.
 */
export function cacheApiKeyActors<Context extends unknown[]>(
  authenticate: (presented: string | undefined, ...context: Context) => Promise<Actor>,
  { ttlMs, clock, maxEntries = 10_000 }: ApiKeyCacheOptions,
): (presented: string | undefined, ...context: Context) => Promise<Actor> {
  if (ttlMs <= 0) return authenticate;
  const accepted = new Map<string, { actor: Actor; expiresAt: number }>();
  return async (presented, ...context) => {
    if (presented === undefined) return authenticate(presented, ...context);
    const hash = createHash("sha256").update(presented).digest("hex");
    const now = clock.now().getTime();
    const cached = accepted.get(hash);
    if (cached && cached.expiresAt > now) return cached.actor;
    accepted.delete(hash);
    const actor = await authenticate(presented, ...context);
    if (accepted.size >= maxEntries) accepted.clear();
    accepted.set(hash, { actor, expiresAt: now + ttlMs });
    return actor;
  };
}
