import { Redis } from "ioredis";

import { configureDelivery, createBullActionQueue, createLogger, loadActionTypeModules, systemClock, type CoreDeps } from "@leash/core";
import { createDb } from "@leash/db";

import { env } from "./env.server.ts";

// Before any route reads the registry: the console shows and validates the same types as the API and the worker.
await loadActionTypeModules(env.LEASH_ACTION_TYPES);

function createDeps(): CoreDeps {
  const logger = createLogger({ name: "web", level: env.LOG_LEVEL });
  const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: env.DB_POOL_SIZE });
  // A producer fails fast when Redis is away: an approved action is safe in Postgres and the worker's reconciler enqueues it later.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));
  const queue = createBullActionQueue({ connection: redis, prefix: env.QUEUE_PREFIX });

  // react-router-serve stops listening on these signals; the connections must close too for the process to end.
  const close = async () => {
    await queue.close().catch(() => undefined);
    redis.disconnect();
    await db.$disconnect();
  };
  process.once("SIGTERM", () => void close());
  process.once("SIGINT", () => void close());

  // Only its channels are used here, to refuse a proposal for a channel this server does not deliver on.
  const delivery = configureDelivery({ smtpUrl: env.SMTP_URL, smtpFrom: env.SMTP_FROM, slackBotToken: env.SLACK_BOT_TOKEN });
  return { db, queue, clock: systemClock, logger, maxAttempts: env.ACTION_MAX_ATTEMPTS, delivery, connectorKey: env.CONNECTOR_SECRET_KEY };
}

let deps: CoreDeps | undefined;

/** The core dependencies of this process, built on first use and shared by every request. */
export function getDeps(): CoreDeps {
  deps ??= createDeps();
  return deps;
}
