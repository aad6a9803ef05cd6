import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { DEFAULT_EXECUTION_BATCHES_IN_FLIGHT, DEFAULT_EXECUTION_BATCH_SIZE, consoleLinkEnv, deliveryEnv, engineEnv, observabilityEnv, storesEnv, tracingEnv } from "@leash/core";

export const env = createEnv({
  server: {
    ...storesEnv,
    ...engineEnv,
    ...deliveryEnv,
    ...observabilityEnv,
    ...tracingEnv,
    ...consoleLinkEnv,
    /**
     * Jobs of the actions queue one worker process runs at once. Ready jobs are executed in batches
     * (group commit), so this should be at least WORKER_BATCH_SIZE x WORKER_BATCHES_IN_FLIGHT for
     * batches to fill under load.
     */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(DEFAULT_EXECUTION_BATCH_SIZE * DEFAULT_EXECUTION_BATCHES_IN_FLIGHT),
    /** The most ready actions claimed, run and committed together in one transaction; 1 turns batching off. */
    WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(256).default(DEFAULT_EXECUTION_BATCH_SIZE),
    /** Batches one process runs at once: a slow handler holds up its own batch, not the others. */
    WORKER_BATCHES_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(DEFAULT_EXECUTION_BATCHES_IN_FLIGHT),
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
