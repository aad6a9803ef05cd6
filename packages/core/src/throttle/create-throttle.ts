import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

import { CoreError } from "../errors.ts";
import type { RedisConnection } from "../redis/create-redis-connection.ts";

/** How many attempts a key may make in a fixed window; the window starts with the key's first attempt. */
export interface ThrottleLimit {
  limit: number;
  windowSeconds: number;
}

/** Attempts counted per key (an address, an account) in Redis, shared by every instance of every app. */
export interface Throttle {
  /** Refuses (LIMIT_EXCEEDED, with `retryAfterMs`) when the key has already used its attempts; counts nothing. */
  check(key: string): Promise<void>;
  /** Counts one attempt, and refuses when it is one too many. */
  hit(key: string): Promise<void>;
  /** Takes back one attempt that turned out not to count (counted first so that concurrent attempts cannot all slip through). */
  forgive(key: string): Promise<void>;
}

export interface ThrottleOptions extends ThrottleLimit {
  redis: RedisConnection;
  /** Keeps apps and test files that share a Redis apart (the queue prefix). */
  prefix: string;
  name: string;
  /** The refusal's message, given how long until the window ends. */
  refusal: (retryAfterMs: number) => string;
}

/**
 * Built on rate-limiter-flexible, as the API's per-key rate limits are. While Redis does not answer,
 * each process counts in memory instead of failing or letting everything through: the limit then
 * holds per process until Redis is back.
 */
export function createThrottle({ redis, prefix, name, limit, windowSeconds, refusal }: ThrottleOptions): Throttle {
  const counter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: `${prefix}:throttle:${name}`,
    points: limit,
    duration: windowSeconds,
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `throttle:${name}`, points: limit, duration: windowSeconds }),
  });
  const refuse = (msBeforeNext: number) => {
    const retryAfterMs = Math.max(1_000, msBeforeNext);
    return new CoreError("LIMIT_EXCEEDED", refusal(retryAfterMs), { retryable: true, retryAfterMs });
  };
  return {
    async check(key) {
      const counted = await counter.get(key);
      if (counted && counted.consumedPoints >= limit) throw refuse(counted.msBeforeNext);
    },
    async hit(key) {
      try {
        await counter.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refuse(rejection.msBeforeNext);
        throw rejection;
      }
    },
    async forgive(key) {
      await counter.reward(key);
    },
  };
}
