import { hostname } from "node:os";

import { Worker } from "bullmq";
import { Redis } from "ioredis";

import {
  createBullActionQueue,
  defaultActionRegistry,
  queueNames,
  reconcileQueue,
  systemClock,
  type ActionRegistry,
  type Clock,
  type Logger,
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
  logger: Logger;
  registry?: ActionRegistry;
  clock?: Clock;
  maxAttempts?: number;
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
  const deps = {
    db: options.db,
    queue,
    clock: options.clock ?? systemClock,
    logger,
    registry: options.registry ?? defaultActionRegistry,
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
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

  const reconcile = async () => {
    try {
      const result = await reconcileQueue(deps, { graceMs: 5_000, staleClaimMs: options.lockDurationMs });
      if (result.requeuedActions.length || result.requeuedReminders.length) {
        logger.info({ actions: result.requeuedActions.length, reminders: result.requeuedReminders.length }, "reconciler re-enqueued lost jobs");
      }
    } catch (error) {
      logger.warn({ err: error instanceof Error ? error.message : String(error) }, "reconciliation pass failed");
    }
  };
  const timer = setInterval(() => void reconcile(), options.reconcileIntervalMs);
  timer.unref();
  void reconcile();

  await Promise.all([actionsWorker.waitUntilReady(), remindersWorker.waitUntilReady()]);
  logger.info({ concurrency: options.concurrency, prefix: options.queuePrefix }, "worker ready");

  return {
    workerId,
    reconcile,
    async close() {
      clearInterval(timer);
      await Promise.all([actionsWorker.close(), remindersWorker.close()]);
      await queue.close();
      workerConnection.disconnect();
      producerConnection.disconnect();
      logger.info("worker stopped");
    },
  };
}
