import { Redis } from "ioredis";

import { configureEngine, createBullActionQueue, createLogger, createSignInThrottle, loadActionTypeModules, systemClock, type CoreDeps, type SignInThrottle } from "@leash/core";
import { createDb } from "@leash/db";

import { env } from "./env.server.ts";

// Before any route reads the registry: the console shows and validates the same types as the API and the worker.
await loadActionTypeModules(env.LEASH_ACTION_TYPES);

/** Core's dependencies, and what sign-in counts attempts with (in the same Redis, shared by every console instance). */
type ConsoleDeps = CoreDeps & { signInThrottle: SignInThrottle };

function createDeps(): ConsoleDeps {
  const logger = createLogger({ name: "web", level: env.LOG_LEVEL });
  const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: env.DB_POOL_SIZE });
  // A producer fails fast when Redis is away: an approved action is safe in Postgres and the worker's reconciler enqueues it later.
  const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on("error", (error) => logger.warn({ err: error.message }, "redis connection error"));
  const queue = createBullActionQueue({ connection: redis, prefix: env.QUEUE_PREFIX });

  // server/main.ts stops listening on these signals; the connections must close too for the process to end.
  const close = async () => {
    await queue.close().catch(() => undefined);
    redis.disconnect();
    await db.$disconnect();
  };
  process.once("SIGTERM", () => void close());
  process.once("SIGINT", () => void close());

  const signInThrottle = createSignInThrottle({ redis, prefix: env.QUEUE_PREFIX });
  return { db, queue, clock: systemClock, logger, signInThrottle, ...configureEngine(env) };
}

let deps: ConsoleDeps | undefined;

/** The core dependencies of this process, built on first use and shared by every request. */
export function getDeps(): ConsoleDeps {
  deps ??= createDeps();
  return deps;
}
