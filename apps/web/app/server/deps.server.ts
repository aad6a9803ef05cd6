import {
  configureEngine,
  createBullActionQueue,
  createLogger,
  createRedisConnection,
  createSignInThrottle,
  loadActionTypeModules,
  resolveRedisUrl,
  systemClock,
  type CoreDeps,
  type SignInThrottle,
} from "@leash/core";
import { createDb } from "@leash/db";

import { env } from "./env.server.ts";

// Before any route reads the registry: the console shows and validates the same types as the API and the worker.
await loadActionTypeModules(env.LEASH_ACTION_TYPES);

/** Core's dependencies, what sign-in counts attempts with (in the same Redis, shared by every console instance), and single sign-on's setting. */
type ConsoleDeps = CoreDeps & { signInThrottle: SignInThrottle; ssoAllowInsecureIssuer: boolean };

function createDeps(): ConsoleDeps {
  const logger = createLogger({ name: "web", level: env.LOG_LEVEL });
  const db = createDb({ connectionString: env.DATABASE_URL, maxConnections: env.DB_POOL_SIZE, pooler: env.DATABASE_POOLER });
  // A producer fails fast when Redis is away: an approved action is safe in Postgres and the worker's reconciler enqueues it later.
  // One server or a Redis Cluster (REDIS_URL, REDIS_CLUSTER_NODES).
  const redis = createRedisConnection({ url: resolveRedisUrl(env), role: "producer", name: "producer", logger });
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
  return { db, queue, clock: systemClock, logger, signInThrottle, ssoAllowInsecureIssuer: env.SSO_ALLOW_INSECURE_ISSUER === "true", ...configureEngine(env) };
}

let deps: ConsoleDeps | undefined;

/** The core dependencies of this process, built on first use and shared by every request. */
export function getDeps(): ConsoleDeps {
  deps ??= createDeps();
  return deps;
}
