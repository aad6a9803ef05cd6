import {
  configureEngine,
  createActionCounters,
  createLogger,
  createMetricsRegistry,
  createRedisConnection,
  createWorkerMetrics,
  loadActionTypeModules,
  metricsHandler,
  resolveRedisUrl,
  startTracing,
  systemClock,
} from "@leash/core";
import { createDb } from "@leash/db";

import { env } from "./env.ts";
import { createHealthServer } from "./health-server.ts";
import { createWorkerSamplers } from "./worker-samplers.ts";
import { startWorkerRuntime } from "./worker-runtime.ts";

const logger = createLogger({ name: "worker", level: env.LOG_LEVEL });
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (see README, "Tracing").
const tracing = await startTracing({ serviceName: env.OTEL_SERVICE_NAME ?? "leash-worker", endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
await loadActionTypeModules(env.LEASH_ACTION_TYPES);
const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: env.DB_POOL_SIZE, pooler: env.DATABASE_POOLER });

const engine = configureEngine(env);
logger.info({ channels: engine.delivery.channels }, "notification delivery channels");

// The gauges read Redis and Postgres only when Prometheus scrapes, on a connection that fails fast.
const registry = createMetricsRegistry("worker");
// One server or a Redis Cluster (REDIS_URL, REDIS_CLUSTER_NODES); every connection of this process is made from it.
const redisUrl = resolveRedisUrl(env);
const samplerConnection = createRedisConnection({ url: redisUrl, role: "producer", name: "metrics", logger });
const samplers = createWorkerSamplers({ db, connection: samplerConnection, prefix: env.QUEUE_PREFIX, clock: systemClock });

const runtime = await startWorkerRuntime({
  db,
  redisUrl,
  queuePrefix: env.QUEUE_PREFIX,
  concurrency: env.WORKER_CONCURRENCY,
  executionBatchSize: env.WORKER_BATCH_SIZE,
  executionBatchesInFlight: env.WORKER_BATCHES_IN_FLIGHT,
  lockDurationMs: env.WORKER_LOCK_MS,
  retryPolicy: { baseDelayMs: env.RETRY_BASE_DELAY_MS, maxDelayMs: env.RETRY_MAX_DELAY_MS },
  reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
  auditSealIntervalMs: env.AUDIT_SEAL_INTERVAL_MS,
  deadlineSweepIntervalMs: env.DEADLINE_SWEEP_INTERVAL_MS,
  outcomeWindowMs: env.EXTERNAL_OUTCOME_WINDOW_MS,
  logger,
  ...engine,
  webhookPolicy: { disableAfterMs: env.WEBHOOK_DISABLE_AFTER_MS },
  webBaseUrl: env.WEB_BASE_URL,
  approvalMailIntervalMs: env.APPROVAL_MAIL_INTERVAL_MS,
  counters: createActionCounters(registry),
  metrics: createWorkerMetrics(registry, samplers),
});

let stopping = false;
const health = createHealthServer({
  workerId: runtime.workerId,
  stopping: () => stopping,
  serveMetrics: env.METRICS_TOKEN ? metricsHandler({ registry, token: env.METRICS_TOKEN }) : null,
});
if (env.WORKER_HEALTH_PORT > 0) {
  health.listen(env.WORKER_HEALTH_PORT, env.WORKER_HEALTH_HOST, () => logger.info({ host: env.WORKER_HEALTH_HOST, port: env.WORKER_HEALTH_PORT, metrics: env.METRICS_TOKEN !== undefined }, "worker health endpoint listening"));
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: finishing running actions, taking no new ones");
  health.close();
  await runtime.close();
  engine.delivery.close();
  await samplers.close();
  samplerConnection.disconnect();
  await db.$disconnect();
  await tracing?.shutdown();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
