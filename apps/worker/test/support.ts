import { silentLogger, type ActionRegistry, type NotificationDelivery, type WebhookPolicy } from "@leash/core";
import {
  createTestEnvironment,
  createTestTenant,
  testRedisUrl,
  type TestEnvironment,
  type TestTenant,
} from "@leash/core/testing";

import { startWorkerRuntime, type WorkerRuntime } from "../src/worker-runtime.ts";

/** An in-process worker on the test file's own database and queue prefix, with short retry delays. */
export interface TestWorkerOverrides {
  concurrency?: number;
  registry?: ActionRegistry;
  lockDurationMs?: number;
  reconcileIntervalMs?: number;
  deadlineSweepIntervalMs?: number;
  /** How long an approved action its agent performs itself waits for the agent's report (default: an hour). */
  outcomeWindowMs?: number;
  delivery?: NotificationDelivery;
  /** Webhook retries and disabling in milliseconds rather than hours. */
  webhookPolicy?: Partial<WebhookPolicy>;
  /** The most actions executed together in one transaction, and a listener told each batch's size. */
  executionBatchSize?: number;
  executionBatchesInFlight?: number;
  onExecutionBatch?: (size: number) => void;
}

export function startTestWorker(
  environment: TestEnvironment,
  overrides: TestWorkerOverrides = {},
): Promise<WorkerRuntime> {
  const delivery = overrides.delivery ?? environment.deps.delivery;
  return startWorkerRuntime({
    db: environment.db,
    redisUrl: testRedisUrl,
    queuePrefix: environment.queuePrefix,
    concurrency: overrides.concurrency ?? 8,
    lockDurationMs: overrides.lockDurationMs ?? 5_000,
    retryPolicy: { baseDelayMs: 100, maxDelayMs: 2_000 },
    reconcileIntervalMs: overrides.reconcileIntervalMs ?? 60_000,
    deadlineSweepIntervalMs: overrides.deadlineSweepIntervalMs ?? 200,
    logger: silentLogger(),
    ...(overrides.registry ? { registry: overrides.registry } : {}),
    ...(overrides.outcomeWindowMs !== undefined ? { outcomeWindowMs: overrides.outcomeWindowMs } : {}),
    // The environment's delivery by default: its email goes to the environment's SMTP catcher.
    ...(delivery ? { delivery } : {}),
    ...(environment.deps.connectorKey ? { connectorKey: environment.deps.connectorKey } : {}),
    ...(overrides.webhookPolicy ? { webhookPolicy: overrides.webhookPolicy } : {}),
    ...(overrides.executionBatchSize !== undefined ? { executionBatchSize: overrides.executionBatchSize } : {}),
    ...(overrides.executionBatchesInFlight !== undefined ? { executionBatchesInFlight: overrides.executionBatchesInFlight } : {}),
    ...(overrides.onExecutionBatch ? { onExecutionBatch: overrides.onExecutionBatch } : {}),
  });
}

export interface WorkerStack {
  environment: TestEnvironment;
  tenant: TestTenant;
  worker: WorkerRuntime;
  close(): Promise<void>;
}

/** A test file's own database with one tenant, and an in-process worker on it; `close` stops the worker first. */
export async function startWorkerStack(overrides: TestWorkerOverrides = {}): Promise<WorkerStack> {
  const environment = await createTestEnvironment();
  const tenant = await createTestTenant(environment.db);
  const worker = await startTestWorker(environment, overrides);
  return {
    environment,
    tenant,
    worker,
    async close() {
      await worker.close();
      await environment.close();
    },
  };
}
