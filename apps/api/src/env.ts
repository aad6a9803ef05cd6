import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { actionTypeModulesEnv, connectorKeyEnvSchema } from "@leash/core";

export const env = createEnv({
  server: {
    ...actionTypeModulesEnv,
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
    /** The SMTP server email notifications and reminders go through, e.g. smtp://user:pass@mail.example.com:587; email is off without it (only whether it is set matters here: the worker sends). */
    SMTP_URL: z.url().optional(),
    /** The From of every email Leash sends; its domain also ends each Message-ID. */
    SMTP_FROM: z.string().min(3).default("Leash <leash@localhost>"),
    /** Whether Slack delivery is on (the worker posts with it): proposals for the slack channel are refused without it. */
    SLACK_BOT_TOKEN: z.string().min(1).optional(),
    /** Encrypts connectors' secret headers and signing secrets at rest: 32 random bytes as 64 hex characters (`openssl rand -hex 32`); connectors cannot be created or called without it. */
    CONNECTOR_SECRET_KEY: connectorKeyEnvSchema,
    /** The bearer token Prometheus scrapes /metrics with (16 characters or more); without it /metrics is not served. */
    METRICS_TOKEN: z.string().min(16).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
