import { createHash } from "node:crypto";

import type { Actor } from "../actor.ts";
import type { Clock } from "../clock.ts";

export type ApiKeyAuthenticator = (presented: string | undefined) => Promise<Actor>;

export interface ApiKeyCacheOptions {
  /**
   * How long an accepted key is trusted without asking the database again: the bound on how late a
   * revocation takes effect in a process that missed its announcement (`forget`). 0 turns the cache off.
   */
  ttlMs: number;
  clock: Clock;
  /** Entries kept at most; the cache starts over when full, so a flood of distinct keys cannot grow it. */
  maxEntries?: number;
}

export interface CachedApiKeyActors<Context extends unknown[]> {
  authenticate: (presented: string | undefined, ...context: Context) => Promise<Actor>;
  /** Drops what is remembered of a tenant's keys (null: of every tenant), so each is looked up again on its next use. */
  forget: (tenantId: string | null) => void;
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
): CachedApiKeyActors<Context> {
  const accepted = new Map<string, { actor: Actor; expiresAt: number }>();
  // A lookup that began before a `forget` may have read the key before its revocation committed: its
  // answer is used, but not remembered.
  let forgotten = 0;
  const forget = (tenantId: string | null) => {
    forgotten += 1;
    if (tenantId === null) accepted.clear();
    else for (const [hash, entry] of accepted) if (entry.actor.tenantId === tenantId) accepted.delete(hash);
  };
  if (ttlMs <= 0) return { authenticate, forget };
  const cached = async (presented: string | undefined, ...context: Context) => {
    if (presented === undefined) return authenticate(presented, ...context);
    const hash = createHash("sha256").update(presented).digest("hex");
    const now = clock.now().getTime();
    const entry = accepted.get(hash);
    if (entry && entry.expiresAt > now) return entry.actor;
    accepted.delete(hash);
    const before = forgotten;
    const actor = await authenticate(presented, ...context);
    if (forgotten !== before) return actor;
    if (accepted.size >= maxEntries) accepted.clear();
    accepted.set(hash, { actor, expiresAt: now + ttlMs });
    return actor;
  };
  return { authenticate: cached, forget };
}
