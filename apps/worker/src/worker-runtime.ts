import { hostname } from "node:os";

import { Worker } from "bullmq";

import {
  createBullActionQueue,
  createExecutionBatcher,
  createNotificationDelivery,
  createRedisConnection,
  registeredActionTypes,
  queueNames,
  reconcileQueue,
  reconcileWebhookDeliveries,
  enqueueReadyWebhookDeliveries,
  sealAuditChain,
  failUnreportedActions,
  sendDeadlineNotices,
  sweepApprovalMail,
  sweepPendingDeadlines,
  systemClock,
  defaultWebhookPolicy,
  type ActionCounters,
  type ActionRegistry,
  type Clock,
  type Logger,
  type NotificationDelivery,
  type RetryPolicy,
  type WebhookPolicy,
  type WorkerMetrics,
} from "@leash/core";
import type { Db } from "@leash/db";

import { createDeliverWebhookProcessor } from "./processors/deliver-webhook-processor.ts";
import { createExecuteActionProcessor } from "./processors/execute-action-processor.ts";
import { createFireReminderProcessor } from "./processors/fire-reminder-processor.ts";

export interface WorkerRuntimeOptions {
  db: Db;
  /** One server or a cluster (`redis+cluster://`), as resolveRedisUrl gives it. */
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
  /** The most actions executed together in one transaction (default 64). */
  executionBatchSize?: number;
  /** Batches run at once (default 2). */
  executionBatchesInFlight?: number;
  /** Told the size of each execution batch as it starts (tests assert on it). */
  onExecutionBatch?: (size: number) => void;
  lockDurationMs: number;
  retryPolicy: RetryPolicy;
  reconcileIntervalMs: number;
  /** How often reminders, escalations and expiries of pending actions are swept. */
  deadlineSweepIntervalMs: number;
  /** How long an approved action its agent performs itself waits for the agent's report (default: an hour). */
  outcomeWindowMs?: number;
  /** How often new audit events are linked into their tenant's hash chain (default 500 ms). */
  auditSealIntervalMs?: number;
  logger: Logger;
  registry?: ActionRegistry;
  clock?: Clock;
  maxAttempts?: number;
  /** Set like every app's (configureEngine), so the worker's CoreDeps hold the same rules as theirs. */
  maxPendingActions?: number;
  /** Email and Slack delivery of notifications and reminders (default: in_app only, which needs no server). */
  delivery?: NotificationDelivery;
  /** CONNECTOR_SECRET_KEY, to decrypt connectors' secrets for the requests `http` actions send. */
  connectorKey?: Buffer | undefined;
  /** How webhook deliveries are retried and when a failing endpoint is disabled (default: ~31.6 h of retries, disabled after 24 h). */
  webhookPolicy?: Partial<WebhookPolicy>;
  /** The console's base URL (WEB_BASE_URL), for the links in approval mail (default http://127.0.0.1:3000). */
  webBaseUrl?: string;
  /** How often approval mail is looked for (default 5 s); sent only when `delivery` has email. */
  approvalMailIntervalMs?: number;
  /** Prometheus counters of actions executed, failed and retried here, and of the reconciler's re-enqueued jobs (main.ts); none in tests. */
  counters?: ActionCounters;
  metrics?: WorkerMetrics;
}

export interface WorkerRuntime {
  workerId: string;
  /** Runs one reconciliation pass now (also runs on a timer). */
  reconcile(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, and releases every connection. */
  close(): Promise<void>;
}

/**
 * How long a row that should have a job (an approved action, a pending webhook delivery) may go
 * without one before the reconciler takes the job for lost: its writer enqueues after its commit,
 * so a younger one may have an enqueue on its way.
 */
const RECONCILE_GRACE_MS = 5_000;

/**
 * Starts the BullMQ workers (action execution, reminders and webhook deliveries) and the reconciler that re-enqueues
 * what Redis lost. Everything runs against explicit dependencies so tests can start it in-process.
 */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const logger = options.logger.child({ workerId });
  // Workers block on Redis and must retry forever; producers (the queue) fail fast instead.
  const workerConnection = createRedisConnection({ url: options.redisUrl, role: "worker", name: "worker", logger });
  const producerConnection = createRedisConnection({ url: options.redisUrl, role: "producer", name: "producer", logger });

  const queue = createBullActionQueue({ connection: producerConnection, prefix: options.queuePrefix });
  const clock = options.clock ?? systemClock;
  const deps = {
    db: options.db,
    queue,
    clock,
    delivery: options.delivery ?? createNotificationDelivery({ clock }),
    logger,
    registry: options.registry ?? registeredActionTypes(),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
    ...(options.maxPendingActions !== undefined ? { maxPendingActions: options.maxPendingActions } : {}),
    ...(options.connectorKey !== undefined ? { connectorKey: options.connectorKey } : {}),
    ...(options.counters !== undefined ? { counters: options.counters } : {}),
  };
  const workerSettings = {
    connection: workerConnection,
    prefix: options.queuePrefix,
    lockDuration: options.lockDurationMs,
    stalledInterval: Math.max(1000, Math.floor(options.lockDurationMs / 2)),
    // Stalls are safe to redeliver: the claim token in Postgres fences a second execution.
    maxStalledCount: 100,
  };

  const actionsWorker = new Worker(
    queueNames.actions,
    createExecuteActionProcessor(
      createExecutionBatcher(deps, {
        workerId,
        retryPolicy: options.retryPolicy,
        staleClaimMs: options.lockDurationMs,
        // A blocked job is woken when its blocker finishes; checking again, after 1 s, 2 s, 4 s, then
        // every 5 s, is the fallback for a wake-up it missed (one that came while it was still running),
        // so the cap is what such a miss can cost.
        blockedRecheck: { baseDelayMs: 1_000, maxDelayMs: 5_000 },
        ...(options.executionBatchSize !== undefined ? { maxBatchSize: options.executionBatchSize } : {}),
        ...(options.executionBatchesInFlight !== undefined ? { maxBatchesInFlight: options.executionBatchesInFlight } : {}),
        ...(options.onExecutionBatch ? { onBatch: options.onExecutionBatch } : {}),
      }),
    ),
    { ...workerSettings, concurrency: options.concurrency },
  );
  const remindersWorker = new Worker(queueNames.reminders, createFireReminderProcessor(deps), {
    ...workerSettings,
    concurrency: 4,
  });
  const webhooksWorker = new Worker(queueNames.webhooks, createDeliverWebhookProcessor(deps, { ...defaultWebhookPolicy, ...options.webhookPolicy }), {
    ...workerSettings,
    // Each attempt mostly waits on a receiver: a few at a time, independent of the actions' concurrency.
    concurrency: 8,
  });
  for (const worker of [actionsWorker, remindersWorker, webhooksWorker]) {
    worker.on("error", (error) => logger.error({ err: error.message }, "worker error"));
    worker.on("failed", (job, error) => {
      if (job) logger.warn({ jobId: job.id, err: error.message }, "job failed");
    });
  }
  actionsWorker.on("completed", (job, outcome: { kind: string }) => {
    logger.debug({ jobId: job.id, outcome: outcome.kind }, "job done");
  });

  const runPass = async () => {
    try {
      const result = await reconcileQueue(deps, { graceMs: RECONCILE_GRACE_MS, staleClaimMs: options.lockDurationMs });
      options.metrics?.requeued("action", result.requeuedActions.length);
      options.metrics?.requeued("reminder", result.requeuedReminders.length);
      if (result.requeuedActions.length || result.requeuedReminders.length) {
        logger.info({ actions: result.requeuedActions.length, reminders: result.requeuedReminders.length }, "reconciler re-enqueued lost jobs");
      }
      const webhooks = await reconcileWebhookDeliveries(deps, { graceMs: RECONCILE_GRACE_MS });
      if (webhooks.requeued.length) logger.info({ webhookDeliveries: webhooks.requeued.length }, "reconciler re-enqueued lost webhook deliveries");
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "reconciliation pass failed");
    }
  };
  // Passes of this process run one after another; close() waits for the last before releasing connections.
  let pass: Promise<void> = Promise.resolve();
  let queuedPasses = 0;
  const reconcile = () => {
    queuedPasses += 1;
    pass = pass.then(runPass).finally(() => {
      queuedPasses -= 1;
    });
    return pass;
  };
  // A slow pass (a database that is down) does not pile up timer passes behind it.
  const timer = setInterval(() => {
    if (queuedPasses === 0) void reconcile();
  }, options.reconcileIntervalMs);
  timer.unref();
  void reconcile();

  // Where approval mail, and the reminders and escalations mailed after a deadline sweep, link to.
  const consoleUrl = options.webBaseUrl ?? "http://127.0.0.1:3000";
  // Sweeps of this process never overlap; other workers' sweeps are safe (each step happens once).
  let sweep: Promise<void> | null = null;
  const sweepDeadlines = async () => {
    try {
      const result = await sweepPendingDeadlines(deps);
      if (result.reminded.length || result.escalated.length || result.expired.length) {
        logger.info({ reminded: result.reminded, escalated: result.escalated, expired: result.expired }, "pending deadlines swept");
      }
      const unreported = await failUnreportedActions(deps, options.outcomeWindowMs === undefined ? {} : { windowMs: options.outcomeWindowMs });
      if (unreported.length) logger.info({ unreported }, "approved actions failed: their agents never reported an outcome");
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "deadline sweep failed");
    }
    // Whatever this sweep or an earlier one left to email (one that failed, a worker that stopped, a server away).
    try {
      await sendDeadlineNotices(deps, { consoleUrl });
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "sending deadline notices failed");
    }
  };
  const sweepTimer = setInterval(() => {
    sweep ??= sweepDeadlines().finally(() => {
      sweep = null;
    });
  }, options.deadlineSweepIntervalMs);
  sweepTimer.unref();

  // Approval mail is sent here, never in a request; other workers' passes take other people (see sweepApprovalMail).
  let mailPass: Promise<void> | null = null;
  const sendApprovalMail = async () => {
    try {
      await sweepApprovalMail(deps, { consoleUrl });
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "approval mail pass failed");
    }
  };
  const mailTimer = setInterval(() => {
    mailPass ??= sendApprovalMail().finally(() => {
      mailPass = null;
    });
  }, options.approvalMailIntervalMs ?? 5_000);
  mailTimer.unref();

  // Audit events are hashed into their tenant's chain here, shortly after insert, not in the hot path.
  let seal: Promise<void> | null = null;
  const sealAudit = async () => {
    const sealed = await sealAuditChain(deps).catch((error: unknown) => {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "audit sealing pass failed");
      return null;
    });
    if (!sealed) return;
    // The sealing pass made the webhook deliveries of the events it sealed, committed with them.
    try {
      await enqueueReadyWebhookDeliveries(deps, sealed.webhookDeliveries);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error), deliveries: sealed.webhookDeliveries.length }, "could not enqueue webhook deliveries; the reconciler will");
    }
  };
  const sealTimer = setInterval(() => {
    seal ??= sealAudit().finally(() => {
      seal = null;
    });
  }, options.auditSealIntervalMs ?? 500);
  sealTimer.unref();

  await Promise.all([actionsWorker.waitUntilReady(), remindersWorker.waitUntilReady(), webhooksWorker.waitUntilReady()]);
  logger.info({ concurrency: options.concurrency, prefix: options.queuePrefix }, "worker ready");

  return {
    workerId,
    reconcile,
    async close() {
      clearInterval(timer);
      clearInterval(sweepTimer);
      clearInterval(sealTimer);
      clearInterval(mailTimer);
      await Promise.all([actionsWorker.close(), remindersWorker.close(), webhooksWorker.close(), pass, sweep, seal, mailPass]);
      await queue.close();
      workerConnection.disconnect();
      producerConnection.disconnect();
      logger.info("worker stopped");
    },
  };
}
