import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

export const env = createEnv({
  server: {
    DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/leash"),
    REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
    QUEUE_PREFIX: z.string().min(1).default("{leash}"),
    API_HOST: z.string().default("127.0.0.1"),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    DB_POOL_SIZE: z.coerce.number().int().min(1).default(20),
    /** How long an accepted API key is trusted without a database lookup: a revocation takes effect within this bound. */
    API_KEY_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /** Requests per second each API key may send (0 turns the limit off); counted in Redis, shared by every API instance. */
    API_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(0).default(2_000),
    /** Requests a key may send above its per-second rate, spread over 10 seconds (bursts). */
    API_RATE_LIMIT_BURST: z.coerce.number().int().min(0).default(10_000),
    /** Pending actions a tenant may have waiting for a decision; proposals beyond are refused (429). */
    MAX_PENDING_ACTIONS_PER_TENANT: z.coerce.number().int().min(1).default(10_000),
    ACTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(3),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
