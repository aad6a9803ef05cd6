import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { actionTypeModulesEnv, connectorKeyEnvSchema } from "@leash/core";

export const env = createEnv({
  server: {
    ...actionTypeModulesEnv,
    DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/leash"),
    REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
    QUEUE_PREFIX: z.string().min(1).default("{leash}"),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /** How long a job's lock lasts without renewal; a worker silent for longer is presumed dead. */
    WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
    RETRY_BASE_DELAY_MS: z.coerce.number().int().min(1).default(1_000),
    RETRY_MAX_DELAY_MS: z.coerce.number().int().min(1).default(60_000),
    RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
    /** How often pending actions' reminders, escalations and expiries are looked for. */
    DEADLINE_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
    /** How often the worker looks for approval mail to send (people who asked to hear by email about what waits for them). */
    APPROVAL_MAIL_INTERVAL_MS: z.coerce.number().int().min(100).default(5_000),
    /** Where people open an action in the web console: the links in approval mail. */
    WEB_BASE_URL: z.url().default("http://127.0.0.1:3000"),
    /** How long an approved `external` action waits for its agent's report before it is failed. */
    EXTERNAL_OUTCOME_WINDOW_MS: z.coerce.number().int().min(1_000).default(3_600_000),
    /** How long a webhook endpoint may fail (every attempt since its last success) before it is disabled and its admins told. */
    WEBHOOK_DISABLE_AFTER_MS: z.coerce.number().int().min(1_000).default(24 * 60 * 60 * 1000),
    /** How often the worker links new audit events into their tenant's hash chain. */
    AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).default(500),
    /** Where /healthz and /metrics listen: 127.0.0.1 by default; 0.0.0.0 lets a Prometheus on another host scrape. */
    WORKER_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
    DB_POOL_SIZE: z.coerce.number().int().min(1).default(20),
    /** The SMTP server email notifications and reminders go through, e.g. smtp://user:pass@mail.example.com:587; email is off without it. */
    SMTP_URL: z.url().optional(),
    /** The From of every email Leash sends; its domain also ends each Message-ID. */
    SMTP_FROM: z.string().min(3).default("Leash <leash@localhost>"),
    /** The Slack bot's token, to post Slack notifications and reminders; Slack delivery is off without it. */
    SLACK_BOT_TOKEN: z.string().min(1).optional(),
    /** Overrides Slack's Web API base URL (tests point it at a local fake). */
    SLACK_API_URL: z.url().optional(),
    /** Encrypts connectors' secret headers and signing secrets at rest: 32 random bytes as 64 hex characters (`openssl rand -hex 32`); connectors cannot be created or called without it. */
    CONNECTOR_SECRET_KEY: connectorKeyEnvSchema,
    /** The bearer token Prometheus scrapes /metrics (on WORKER_HEALTH_PORT) with, 16 characters or more; without it /metrics is not served. */
    METRICS_TOKEN: z.string().min(16).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
