import { silentLogger, type ActionRegistry } from "@leash/core";
import { testRedisUrl, type TestEnvironment } from "@leash/core/testing";

import { startWorkerRuntime, type WorkerRuntime } from "../src/worker-runtime.ts";

/** An in-process worker on the test file's own database and queue prefix, with short retry delays. */
export function startTestWorker(
  environment: TestEnvironment,
  overrides: {
    concurrency?: number;
    registry?: ActionRegistry;
    lockDurationMs?: number;
    reconcileIntervalMs?: number;
    deadlineSweepIntervalMs?: number;
  } = {},
): Promise<WorkerRuntime> {
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
  });
}
