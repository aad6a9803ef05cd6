import {
  configureEngine,
  createActionCounters,
  createActionWatcher,
  createApiKeyLookupThrottle,
  createApiMetrics,
  createBullActionQueue,
  createLogger,
  createMetricsRegistry,
  createRedisConnection,
  createWaitSlots,
  loadActionTypeModules,
  resolveRedisUrl,
  startTracing,
  systemClock,
  type CoreDeps,
} from "@leash/core";
import { createDb } from "@leash/db";

import { env } from "./env.ts";
import { createApiKeyRateLimiter } from "./rate-limit.ts";
import { readinessCheck } from "./readiness.ts";
import { createApiServer } from "./server.ts";

const logger = createLogger({ name: "api", level: env.LOG_LEVEL });
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (see README, "Tracing").
const tracing = await startTracing({ serviceName: env.OTEL_SERVICE_NAME ?? "leash-api", endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
await loadActionTypeModules(env.LEASH_ACTION_TYPES);
const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: env.DB_POOL_SIZE, pooler: env.DATABASE_POOLER });
// One server or a Redis Cluster (REDIS_URL, REDIS_CLUSTER_NODES); every connection below is made from it.
const redisUrl = resolveRedisUrl(env);
// Producers fail fast when Redis is away: the action is safe in Postgres and the reconciler enqueues it later.
const redis = createRedisConnection({ url: redisUrl, role: "producer", name: "producer", logger });
// Counts of concurrent requests leave together in one write instead of one system call each.
const rateLimits =
  env.API_RATE_LIMIT_PER_SECOND > 0 ? createRedisConnection({ url: redisUrl, role: "producer", name: "rate limits", logger, autoPipelining: true }) : null;
const registry = createMetricsRegistry("api");
const deps: CoreDeps = {
  db,
  queue: createBullActionQueue({ connection: redis, prefix: env.QUEUE_PREFIX }),
  clock: systemClock,
  logger,
  ...configureEngine(env),
  counters: createActionCounters(registry),
};

// Writers announce each committed change on Redis, so waits answer at once; the watcher still polls Postgres, slowly, for an announcement lost to a Redis restart.
const watcher = createActionWatcher({
  db,
  logger,
  subscriber: createRedisConnection({ url: redisUrl, role: "subscriber", name: "action changes", logger }),
  prefix: env.QUEUE_PREFIX,
});

const server = createApiServer({
  deps,
  watcher,
  // In Redis, so an API key's cap on open waits holds across every API instance.
  waitSlots: createWaitSlots({ redis, prefix: env.QUEUE_PREFIX, logger }),
  apiKeyCacheMs: env.API_KEY_CACHE_MS,
  // Revocations are announced on Redis: the key cache forgets them at once, not API_KEY_CACHE_MS later.
  apiKeyChanges: { subscriber: createRedisConnection({ url: redisUrl, role: "subscriber", name: "API key changes", logger }), prefix: env.QUEUE_PREFIX },
  keyLookupThrottle: createApiKeyLookupThrottle({ redis, prefix: env.QUEUE_PREFIX }),
  ...(rateLimits
    ? { rateLimiter: createApiKeyRateLimiter({ redis: rateLimits, prefix: env.QUEUE_PREFIX, points: env.API_RATE_LIMIT_PER_SECOND, burst: env.API_RATE_LIMIT_BURST }) }
    : {}),
  proposalBatchSize: env.PROPOSAL_BATCH_SIZE,
  checkReady: readinessCheck({ db, redis, logger }),
  metrics: { registry, requests: createApiMetrics(registry), token: env.METRICS_TOKEN },
});
server.listen(env.API_PORT, env.API_HOST, () => {
  logger.info({ url: `http://${env.API_HOST}:${env.API_PORT}/trpc` }, "api listening");
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down: finishing open requests");
  // Requests waiting for an action answer with its current state now instead of holding the shutdown up to 25 s.
  watcher.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await deps.queue.close();
  redis.disconnect();
  rateLimits?.disconnect();
  await db.$disconnect();
  await tracing?.shutdown();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
