import type { RedisConnection } from "../redis/create-redis-connection.ts";

import { createThrottle, type Throttle, type ThrottleLimit } from "./create-throttle.ts";

/** Refused API keys (missing, malformed, unknown, revoked) one client address may present per minute before its lookups stop. */
export const API_KEY_LOOKUP_THROTTLE_LIMIT: ThrottleLimit = { limit: 100, windowSeconds: 60 };

export function createApiKeyLookupThrottle({
  redis,
  prefix,
  limits = API_KEY_LOOKUP_THROTTLE_LIMIT,
}: {
  redis: RedisConnection;
  prefix: string;
  limits?: ThrottleLimit;
}): Throttle {
  return createThrottle({
    redis,
    prefix,
    name: "api-key-lookup",
    ...limits,
    refusal: (retryAfterMs) =>
      `Too many requests with an invalid API key from this address; retry after ${Math.ceil(retryAfterMs / 1000)} s`,
  });
}
