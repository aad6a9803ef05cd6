import { z } from "zod";

/** One node of a Redis Cluster, as a seed to discover the others from. */
export interface RedisClusterSeed {
  host: string;
  port: number;
}

/** Where Leash's Redis is: one server (any URL ioredis takes), or a cluster reached through seed nodes. */
export type RedisTarget =
  | { kind: "single"; url: string }
  | { kind: "cluster"; seeds: RedisClusterSeed[]; username?: string; password?: string; tls: boolean };

const CLUSTER_URL = /^(rediss?)\+cluster:\/\/(?:([^@/]*)@)?([^/?#@]+)\/?$/;
const SEED = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s,]+)):(\d{1,5})$/;

/** Parses `host:port,host:port` (IPv6 in brackets: `[::1]:7000`); throws with the entry it could not read. */
export function parseClusterSeeds(list: string): RedisClusterSeed[] {
  const entries = list.split(",").map((entry) => entry.trim());
  return entries.map((entry) => {
    const match = SEED.exec(entry);
    const port = Number(match?.[3]);
    const host = match?.[1] ?? match?.[2];
    if (!match || !host || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`"${entry}" is not host:port (a Redis Cluster node such as 10.0.0.5:6379 or [::1]:7000)`);
    }
    return { host, port };
  });
}

/**
 * Reads REDIS_URL: a `redis://` or `rediss://` URL of one server, or `redis+cluster://` (TLS:
 * `rediss+cluster://`) followed by optional `user:password@` and the cluster's seed nodes, separated
 * by commas. A cluster has only database 0, so a cluster URL naming another is refused. Throws a
 * message fit for a configuration error.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const cluster = CLUSTER_URL.exec(url);
  if (cluster) {
    const [, scheme, userinfo, seeds = ""] = cluster;
    const [username = "", ...rest] = (userinfo ?? "").split(":");
    const password = rest.join(":");
    return {
      kind: "cluster",
      seeds: parseClusterSeeds(seeds),
      ...(username ? { username: decodeURIComponent(username) } : {}),
      ...(password ? { password: decodeURIComponent(password) } : {}),
      tls: scheme === "rediss",
    };
  }
  if (/^rediss?\+cluster:/.test(url)) {
    throw new Error("a Redis Cluster URL is redis+cluster://[user:password@]host:port[,host:port...] (database 0 only: no path, query or fragment)");
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("not a URL (expected redis://host:port, rediss://host:port or redis+cluster://host:port,host:port)");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new Error(`${parsed.protocol} is not a Redis scheme (expected redis:, rediss: or redis+cluster:)`);
  }
  return { kind: "single", url };
}

/** REDIS_URL's check: the message says what is wrong without repeating the value (it may hold a password). */
export const redisUrlSchema = z.string().superRefine((value, context) => {
  try {
    parseRedisUrl(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
  }
});

/** REDIS_CLUSTER_NODES' check. */
export const clusterSeedsSchema = z.string().superRefine((value, context) => {
  try {
    parseClusterSeeds(value);
  } catch (error) {
    context.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
  }
});
