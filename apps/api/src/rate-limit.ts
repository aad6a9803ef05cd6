import type { TRPCError } from "@trpc/server";
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

import { CoreError, isCoreError, type ApiKeyAuthenticator, type RedisConnection } from "@leash/core";

import { DATABASE_UNAVAILABLE_RETRY_SECONDS } from "./error-mapping.ts";

/** Over how long the burst allowance refills. */
const BURST_WINDOW_SECONDS = 10;

/** Counts one request of an API key; refuses (LIMIT_EXCEEDED with `retryAfterMs`) when the key is over its limit. */
export type ApiKeyRateLimiter = (apiKeyId: string) => Promise<void>;

/**
 * The `Retry-After` seconds of a refusal for too many requests: a key over its rate limit, or an
 * address that presented too many refused keys (core's throttle). Other refusals have none.
 */
export function retryAfterSeconds(error: unknown): number | undefined {
  if (!isCoreError(error) || error.code !== "LIMIT_EXCEEDED" || error.retryAfterMs === undefined) return undefined;
  return Math.max(1, Math.ceil(error.retryAfterMs / 1000));
}

/**
 * Per-API-key request limits, counted in Redis so that every API instance shares them: `points`
 * requests per window (one second in production), plus up to `burst` more spread over ten seconds.
 * This is transport (requests per key on this HTTP API, answered with 429 and Retry-After), and no
 * other app serves API keys, so it lives here rather than in core. When Redis does not answer, each
 * instance counts in memory instead of refusing or failing requests: proposals are safe in Postgres,
 * and the limit holds per instance until Redis is back.
 */
export function createApiKeyRateLimiter({
  redis,
  prefix,
  points,
  windowSeconds = 1,
  burst,
}: {
  redis: RedisConnection;
  prefix: string;
  points: number;
  windowSeconds?: number;
  burst: number;
}): ApiKeyRateLimiter {
  const limiter = (name: string, limit: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:rate-limit:${name}`,
      points: limit,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `rate-limit:${name}`, points: limit, duration }),
    });
  const steady = limiter("steady", points, windowSeconds);
  const limit = burst > 0 ? new BurstyRateLimiter(steady, limiter("burst", burst, BURST_WINDOW_SECONDS)) : steady;
  const window = windowSeconds === 1 ? "per second" : `per ${windowSeconds} s`;
  const message = `Rate limit exceeded: an API key may send ${points} requests ${window}${burst > 0 ? ` (and ${burst} more over ${BURST_WINDOW_SECONDS} s in bursts)` : ""}`;

  return async (apiKeyId) => {
    try {
      await limit.consume(apiKeyId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new CoreError("LIMIT_EXCEEDED", `${message}; retry after ${seconds} s`, { retryable: true, retryAfterMs: seconds * 1000 });
    }
  };
}

/** Authenticates as `authenticate` does, then counts the request against the key's limit (every route that takes a key goes through here). */
export function limitApiKeys(authenticate: ApiKeyAuthenticator, limiter: ApiKeyRateLimiter | undefined): ApiKeyAuthenticator {
  if (!limiter) return authenticate;
  return async (presented) => {
    const actor = await authenticate(presented);
    if (actor.kind === "api_key") await limiter(actor.apiKeyId);
    return actor;
  };
}

/** The `Retry-After` of a response whose errors include a refusal for too many requests. */
export function retryAfterHeader(errors: readonly TRPCError[]): Record<string, string> | undefined {
  const seconds = errors.flatMap((error) =>
    error.code === "SERVICE_UNAVAILABLE" ? [DATABASE_UNAVAILABLE_RETRY_SECONDS] : (retryAfterSeconds(error.cause) ?? []),
  );
  return seconds.length ? { "retry-after": String(Math.max(...seconds)) } : undefined;
}
