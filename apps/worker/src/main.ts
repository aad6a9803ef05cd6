import { createServer } from "node:http";

import { configureDelivery, createLogger, loadActionTypeModules } from "@leash/core";
import { createDb } from "@leash/db";

import { env } from "./env.ts";
import { startWorkerRuntime } from "./worker-runtime.ts";

const logger = createLogger({ name: "worker", level: env.LOG_LEVEL });
await loadActionTypeModules(env.LEASH_ACTION_TYPES);
const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: env.DB_POOL_SIZE });

const delivery = configureDelivery({ smtpUrl: env.SMTP_URL, smtpFrom: env.SMTP_FROM, slackBotToken: env.SLACK_BOT_TOKEN, slackApiUrl: env.SLACK_API_URL });
logger.info({ channels: delivery.channels }, "notification delivery channels");

const runtime = await startWorkerRuntime({
  db,
  redisUrl: env.REDIS_URL,
  queuePrefix: env.QUEUE_PREFIX,
  concurrency: env.WORKER_CONCURRENCY,
  lockDurationMs: env.WORKER_LOCK_MS,
  retryPolicy: { baseDelayMs: env.RETRY_BASE_DELAY_MS, maxDelayMs: env.RETRY_MAX_DELAY_MS },
  reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
  auditSealIntervalMs: env.AUDIT_SEAL_INTERVAL_MS,
  deadlineSweepIntervalMs: env.DEADLINE_SWEEP_INTERVAL_MS,
  outcomeWindowMs: env.EXTERNAL_OUTCOME_WINDOW_MS,
  logger,
  delivery,
  connectorKey: env.CONNECTOR_SECRET_KEY,
});

let stopping = false;
const health = createServer((request, response) => {
  const ok = request.url === "/healthz" && !stopping;
  response.writeHead(ok ? 200 : request.url === "/healthz" ? 503 : 404, { "content-type": "application/json" });
  response.end(JSON.stringify({ ok, workerId: runtime.workerId }));
});
if (env.WORKER_HEALTH_PORT > 0) {
  health.listen(env.WORKER_HEALTH_PORT, "127.0.0.1", () => logger.info({ port: env.WORKER_HEALTH_PORT }, "worker health endpoint listening"));
}

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: finishing running actions, taking no new ones");
  health.close();
  await runtime.close();
  await db.$disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
