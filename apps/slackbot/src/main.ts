import type { Server } from "node:http";

import {
  configureEngine,
  createBullActionQueue,
  createLogger,
  createMetricsRegistry,
  createRedisConnection,
  createSlackbotMetrics,
  keepIdleConnections,
  loadActionTypeModules,
  metricsHandler,
  resolveRedisUrl,
  systemClock,
  type CoreDeps,
} from "@leash/core";
import { createDb } from "@leash/db";

import { env } from "./env.ts";
import { createHealthServer } from "./health.ts";
import { startSlackBot, type SlackBot } from "./slack-bot.ts";

const logger = createLogger({ name: "slackbot", level: env.LOG_LEVEL });
await loadActionTypeModules(env.LEASH_ACTION_TYPES);

/** Why the bot cannot talk to Slack, or null when it has what it needs (a bot token, and a signing secret or an app token). */
function missingCredentials(): string | null {
  const missing = [
    env.SLACK_BOT_TOKEN ? null : "SLACK_BOT_TOKEN",
    env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN ? null : "SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)",
  ].filter((name): name is string => name !== null);
  return missing.length ? `${missing.join(" and ")} not set` : null;
}

const registry = createMetricsRegistry("slackbot");
const serveMetrics = env.METRICS_TOKEN ? metricsHandler({ registry, token: env.METRICS_TOKEN }) : null;

let stop: () => Promise<void>;
const reason = missingCredentials();
if (reason !== null || !env.SLACK_BOT_TOKEN) {
  // The rest of Leash works without Slack; this process stays up so `start` and health checks behave the same.
  logger.warn({ reason }, "Slack bot disabled");
  const server: Server = keepIdleConnections(createHealthServer({ enabled: false, reason: reason ?? "no bot token" }, serveMetrics));
  server.listen(env.SLACKBOT_PORT, env.SLACKBOT_HOST);
  stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
} else {
  const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: env.DB_POOL_SIZE, pooler: env.DATABASE_POOLER });
  // One server or a Redis Cluster (REDIS_URL, REDIS_CLUSTER_NODES); every connection of the bot is made from it.
  const redisUrl = resolveRedisUrl(env);
  // Producers fail fast when Redis is away: decisions are safe in Postgres and the reconciler enqueues them later.
  const redis = createRedisConnection({ url: redisUrl, role: "producer", name: "producer", logger });
  const core: CoreDeps = { db, queue: createBullActionQueue({ connection: redis, prefix: env.QUEUE_PREFIX }), clock: systemClock, logger, ...configureEngine(env) };
  const bot: SlackBot = await startSlackBot({
    core,
    redisUrl,
    queuePrefix: env.QUEUE_PREFIX,
    botToken: env.SLACK_BOT_TOKEN,
    ...(env.SLACK_SIGNING_SECRET ? { signingSecret: env.SLACK_SIGNING_SECRET } : {}),
    ...(env.SLACK_APP_TOKEN ? { appToken: env.SLACK_APP_TOKEN } : {}),
    ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    webBaseUrl: env.WEB_BASE_URL,
    host: env.SLACKBOT_HOST,
    port: env.SLACKBOT_PORT,
    logger,
    metrics: { registry, slack: createSlackbotMetrics(registry), serveMetrics },
  });
  stop = async () => {
    await bot.close();
    await core.queue.close();
    redis.disconnect();
    await db.$disconnect();
  };
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
