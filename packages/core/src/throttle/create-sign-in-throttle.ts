import type { RedisConnection } from "../redis/create-redis-connection.ts";

import { createThrottle, type Throttle, type ThrottleLimit } from "./create-throttle.ts";

/**
 * Per account (workspace + email): failed attempts only, so a person who mistypes a few times is not
 * held up once they get it right. Per client address: every attempt, since each costs a scrypt hash
 * whatever its outcome.
 */
export const SIGN_IN_THROTTLE_LIMITS: { perAccount: ThrottleLimit; perAddress: ThrottleLimit } = {
  perAccount: { limit: 10, windowSeconds: 15 * 60 },
  perAddress: { limit: 50, windowSeconds: 15 * 60 },
};

/** What `signIn` counts attempts with, before it verifies any password. */
export interface SignInThrottle {
  perAccount: Throttle;
  perAddress: Throttle;
}

function refusal(retryAfterMs: number): string {
  const minutes = Math.ceil(retryAfterMs / 60_000);
  return `Too many sign-in attempts; try again in ${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}

export function createSignInThrottle({
  redis,
  prefix,
  limits = SIGN_IN_THROTTLE_LIMITS,
}: {
  redis: RedisConnection;
  prefix: string;
  limits?: { perAccount: ThrottleLimit; perAddress: ThrottleLimit };
}): SignInThrottle {
  return {
    perAccount: createThrottle({ redis, prefix, name: "sign-in-account", ...limits.perAccount, refusal }),
    perAddress: createThrottle({ redis, prefix, name: "sign-in-address", ...limits.perAddress, refusal }),
  };
}
