import { parseClusterSeeds, parseRedisUrl } from "./parse-redis-url.ts";

/** The settings that say where Redis is (see storesEnv). */
export interface RedisSettings {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: string | undefined;
  QUEUE_PREFIX: string;
}

/** The tag Redis Cluster hashes instead of the whole key: what lies between the first `{` and the next `}`, when not empty. */
export function hashTagOf(key: string): string | null {
  const open = key.indexOf("{");
  const close = open < 0 ? -1 : key.indexOf("}", open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

/**
 * The one Redis URL every connection of a process is made from (createRedisConnection): REDIS_URL,
 * or, when REDIS_CLUSTER_NODES lists a cluster's seed nodes, a `redis+cluster://` URL of those nodes
 * that keeps REDIS_URL's username, password and TLS (`rediss:`). On a cluster, each queue's keys must
 * share one slot (BullMQ's scripts touch several at once), so QUEUE_PREFIX must carry a hash tag
 * such as `{leash}`. Throws a message fit for a configuration error.
 */
export function resolveRedisUrl(settings: RedisSettings): string {
  const target = parseRedisUrl(settings.REDIS_URL);
  let url = settings.REDIS_URL;
  if (settings.REDIS_CLUSTER_NODES !== undefined) {
    if (target.kind === "cluster") throw new Error("REDIS_CLUSTER_NODES and a redis+cluster:// REDIS_URL both name a cluster: set one of them");
    const single = new URL(target.url);
    if (single.pathname !== "" && single.pathname !== "/" && single.pathname !== "/0") {
      throw new Error("REDIS_URL names a database other than 0, which a Redis Cluster does not have");
    }
    const seeds = parseClusterSeeds(settings.REDIS_CLUSTER_NODES).map(({ host, port }) => `${host.includes(":") ? `[${host}]` : host}:${port}`);
    // URL keeps the username and password percent-encoded, as the cluster URL carries them.
    const userinfo = single.username || single.password ? `${single.username}${single.password ? `:${single.password}` : ""}@` : "";
    url = `${single.protocol === "rediss:" ? "rediss" : "redis"}+cluster://${userinfo}${seeds.join(",")}`;
  }
  if (parseRedisUrl(url).kind === "cluster" && hashTagOf(settings.QUEUE_PREFIX) === null) {
    throw new Error(`QUEUE_PREFIX "${settings.QUEUE_PREFIX}" has no hash tag: on a Redis Cluster it must contain one, such as {leash}, so that each queue's keys share one slot`);
  }
  return url;
}
