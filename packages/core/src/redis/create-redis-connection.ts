import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";

import type { Logger } from "../logger.ts";
import { parseRedisUrl } from "./parse-redis-url.ts";

/** A connection to Leash's Redis, one server or a cluster; both take the same commands. */
export type RedisConnection = Redis | Cluster;

/**
 * What a connection is for, which decides how it behaves while Redis is away:
 * - `producer`: enqueues and short reads in a request (API, console, bot). Fails fast, since Postgres
 *   holds what was decided and the worker's reconciler enqueues it later; a request must not hang.
 * - `worker`: BullMQ workers' connections, which block on Redis; they retry forever (BullMQ requires
 *   `maxRetriesPerRequest: null`).
 * - `subscriber`: pub/sub; retries forever too, and ioredis subscribes again after reconnecting.
 */
export type RedisRole = "producer" | "worker" | "subscriber";

export interface RedisConnectionOptions {
  /** REDIS_URL as resolveRedisUrl gives it: `redis://`, `rediss://` or `redis+cluster://`. */
  url: string;
  role: RedisRole;
  /** Named in the log lines of its errors ("redis (worker) connection error"). */
  name: string;
  logger: Logger;
  /**
   * Commands issued in the same turn of the event loop leave in one write and come back in one read
   * (ioredis' auto-pipelining), where each would otherwise cost a system call of its own at both
   * ends. For a connection that carries many small independent commands of concurrent requests,
   * such as the API's rate-limit counts; not for BullMQ's connections, whose scripts and
   * transactions BullMQ sends itself.
   */
  autoPipelining?: boolean;
}

/**
 * On a cluster, a command whose node went away is retried after each of these delays until the
 * cluster's slots point at a live node again, up to `maxRedirections` times. A master's failover takes
 * `cluster-node-timeout` (15 s by default) and an election: waiting connections ride through up to
 * a minute of it; producers give up after about two seconds, as they do on one server.
 */
const clusterRetries: Record<RedisRole, Pick<ClusterOptions, "retryDelayOnFailover" | "retryDelayOnClusterDown" | "retryDelayOnTryAgain" | "maxRedirections">> = {
  producer: { retryDelayOnFailover: 100, retryDelayOnClusterDown: 100, retryDelayOnTryAgain: 100, maxRedirections: 16 },
  worker: { retryDelayOnFailover: 500, retryDelayOnClusterDown: 500, retryDelayOnTryAgain: 500, maxRedirections: 120 },
  subscriber: { retryDelayOnFailover: 500, retryDelayOnClusterDown: 500, retryDelayOnTryAgain: 500, maxRedirections: 120 },
};

/**
 * The one place Leash opens Redis connections: every app's queues, workers, rate limits, throttles,
 * wait slots, Slack delivery dedupe and pub/sub go through here, so REDIS_URL (or
 * REDIS_CLUSTER_NODES) switches all of them between one server and a Redis Cluster. Errors are
 * logged as warnings; the connection reconnects by itself.
 */
export function createRedisConnection({ url, role, name, logger, autoPipelining = false }: RedisConnectionOptions): RedisConnection {
  const target = parseRedisUrl(url);
  const failFast = role === "producer";
  const commandOptions: RedisOptions = {
    ...(failFast ? { maxRetriesPerRequest: 1, enableOfflineQueue: false } : { maxRetriesPerRequest: null }),
    enableAutoPipelining: autoPipelining,
  };
  let connection: RedisConnection;
  if (target.kind === "single") {
    connection = new Redis(target.url, commandOptions);
  } else {
    connection = new Cluster(target.seeds, {
      ...clusterRetries[role],
      enableOfflineQueue: !failFast,
      enableAutoPipelining: autoPipelining,
      redisOptions: {
        maxRetriesPerRequest: failFast ? 1 : null,
        ...(target.username === undefined ? {} : { username: target.username }),
        ...(target.password === undefined ? {} : { password: target.password }),
        ...(target.tls ? { tls: {} } : {}),
      },
    });
    connection.on("node error", (error: Error, address: string) => logger.warn({ err: error.message, node: address }, `redis (${name}) cluster node error`));
  }
  connection.on("error", (error: Error) => logger.warn({ err: error.message }, `redis (${name}) connection error`));
  return connection;
}
