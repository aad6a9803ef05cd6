import { hostname } from "node:os";

import { Worker } from "bullmq";
import { Redis } from "ioredis";

import {
  createBullActionQueue,
  createNotificationDelivery,
  registeredActionTypes,
  queueNames,
  reconcileQueue,
  sealAuditChain,
  failUnreportedActions,
  sweepPendingDeadlines,
  systemClock,
  type ActionRegistry,
  type Clock,
  type Logger,
  type NotificationDelivery,
  type RetryPolicy,
} from "@leash/core";
import type { Db } from "@leash/db";

import { createExecuteActionProcessor } from "./processors/execute-action-processor.ts";
import { createFireReminderProcessor } from "./processors/fire-reminder-processor.ts";

export interface WorkerRuntimeOptions {
  db: Db;
  redisUrl: string;
  queuePrefix: string;
  concurrency: number;
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
  /** Email and Slack delivery of notifications and reminders (default: in_app only, which needs no server). */
  delivery?: NotificationDelivery;
  /** CONNECTOR_SECRET_KEY, to decrypt connectors' secrets for the requests `http` actions send. */
  connectorKey?: Buffer | undefined;
}

export interface WorkerRuntime {
  workerId: string;
  /** Runs one reconciliation pass now (also runs on a timer). */
  reconcile(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, and releases every connection. */
  close(): Promise<void>;
}

/**
 * Starts the BullMQ workers (action execution and reminders) and the reconciler that re-enqueues
 * what Redis lost. Everything runs against explicit dependencies so tests can start it in-process.
 */
export async function startWorkerRuntime(options: WorkerRuntimeOptions): Promise<WorkerRuntime> {
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const logger = options.logger.child({ workerId });
  // Workers block on Redis and must retry forever; producers (the queue) fail fast instead.
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const producerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  workerConnection.on("error", (error) => logger.warn({ err: error.message }, "redis (worker) connection error"));
  producerConnection.on("error", (error) => logger.warn({ err: error.message }, "redis (producer) connection error"));

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
    ...(options.connectorKey !== undefined ? { connectorKey: options.connectorKey } : {}),
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
    createExecuteActionProcessor({
      deps,
      workerId,
      retryPolicy: options.retryPolicy,
      staleClaimMs: options.lockDurationMs,
      blockedRecheckMs: 1000,
    }),
    { ...workerSettings, concurrency: options.concurrency },
  );
  const remindersWorker = new Worker(queueNames.reminders, createFireReminderProcessor(deps), {
    ...workerSettings,
    concurrency: 4,
  });
  for (const worker of [actionsWorker, remindersWorker]) {
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
      const result = await reconcileQueue(deps, { graceMs: 5_000, staleClaimMs: options.lockDurationMs });
      if (result.requeuedActions.length || result.requeuedReminders.length) {
        logger.info({ actions: result.requeuedActions.length, reminders: result.requeuedReminders.length }, "reconciler re-enqueued lost jobs");
      }
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
  };
  const sweepTimer = setInterval(() => {
    sweep ??= sweepDeadlines().finally(() => {
      sweep = null;
    });
  }, options.deadlineSweepIntervalMs);
  sweepTimer.unref();

  // Audit events are hashed into their tenant's chain here, shortly after insert, not in the hot path.
  let seal: Promise<void> | null = null;
  const sealAudit = async () => {
    try {
      await sealAuditChain(deps);
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "audit sealing pass failed");
    }
  };
  const sealTimer = setInterval(() => {
    seal ??= sealAudit().finally(() => {
      seal = null;
    });
  }, options.auditSealIntervalMs ?? 500);
  sealTimer.unref();

  await Promise.all([actionsWorker.waitUntilReady(), remindersWorker.waitUntilReady()]);
  logger.info({ concurrency: options.concurrency, prefix: options.queuePrefix }, "worker ready");

  return {
    workerId,
    reconcile,
    async close() {
      clearInterval(timer);
      clearInterval(sweepTimer);
      clearInterval(sealTimer);
      await Promise.all([actionsWorker.close(), remindersWorker.close(), pass, sweep, seal]);
      await queue.close();
      workerConnection.disconnect();
      producerConnection.disconnect();
      logger.info("worker stopped");
    },
  };
}
