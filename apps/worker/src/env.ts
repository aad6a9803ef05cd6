import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { consoleLinkEnv, deliveryEnv, engineEnv, observabilityEnv, storesEnv, tracingEnv } from "@leash/core";

export const env = createEnv({
  server: {
    ...storesEnv,
    ...engineEnv,
    ...deliveryEnv,
    ...observabilityEnv,
    ...tracingEnv,
    ...consoleLinkEnv,
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
    /** How long an approved `external` action waits for its agent's report before it is failed. */
    EXTERNAL_OUTCOME_WINDOW_MS: z.coerce.number().int().min(1_000).default(3_600_000),
    /** How long a webhook endpoint may fail (every attempt since its last success) before it is disabled and its admins told. */
    WEBHOOK_DISABLE_AFTER_MS: z.coerce.number().int().min(1_000).default(24 * 60 * 60 * 1000),
    /** How often the worker links new audit events into their tenant's hash chain. */
    AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).default(500),
    /** Where /healthz and /metrics listen: 127.0.0.1 by default; 0.0.0.0 lets a Prometheus on another host scrape. */
    WORKER_HEALTH_HOST: z.string().min(1).default("127.0.0.1"),
    WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
