import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { DEFAULT_PROPOSAL_BATCH_SIZE, deliveryEnv, engineEnv, observabilityEnv, storesEnv, tracingEnv } from "@leash/core";

export const env = createEnv({
  server: {
    ...storesEnv,
    ...engineEnv,
    ...deliveryEnv,
    ...observabilityEnv,
    ...tracingEnv,
    API_HOST: z.string().default("127.0.0.1"),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** How long an accepted API key is trusted without a database lookup: a revocation takes effect within this bound. */
    API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /** Requests per second each API key may send (0 turns the limit off); counted in Redis, shared by every API instance. */
    API_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(2_000),
    /** Requests a key may send above its per-second rate, spread over 10 seconds (bursts). */
    API_RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(10_000),
    /** Single proposals of concurrent requests written together, by one statement and one enqueue, at most (group commit); 0 writes each alone. */
    PROPOSAL_BATCH_SIZE: z.coerce.number().int().min(0).max(1_000).default(DEFAULT_PROPOSAL_BATCH_SIZE),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
