import { describe, expect, it } from "vitest";
import { z } from "zod";

import { hashTagOf, parseRedisUrl, resolveRedisUrl, storesEnv } from "../src/index.ts";

const settings = (overrides: { REDIS_URL?: string; REDIS_CLUSTER_NODES?: string; QUEUE_PREFIX?: string }) => ({
  REDIS_URL: "redis://127.0.0.1:6379",
  QUEUE_PREFIX: "{leash}",
  ...overrides,
});

describe("where Redis is: one server or a cluster", () => {
  it("reads a cluster URL's seed nodes, credentials and TLS", () => {
    expect(parseRedisUrl("redis+cluster://10.0.0.5:6379,redis-b.internal:7000,[::1]:7001")).toEqual({
      kind: "cluster",
      seeds: [
        { host: "10.0.0.5", port: 6379 },
        { host: "redis-b.internal", port: 7000 },
        { host: "::1", port: 7001 },
      ],
      tls: false,
    });
    expect(parseRedisUrl("rediss+cluster://leash:p%40ss:word@a:1/")).toEqual({
      kind: "cluster",
      seeds: [{ host: "a", port: 1 }],
      username: "leash",
      password: "p@ss:word",
      tls: true,
    });
    expect(parseRedisUrl("rediss://:secret@redis.internal:6380/2")).toEqual({ kind: "single", url: "rediss://:secret@redis.internal:6380/2" });
  });

  it("refuses what is not a Redis server or cluster, naming what is wrong but not the password", () => {
    for (const [url, message] of [
      ["redis+cluster://a:1,b", /"b" is not host:port/],
      ["redis+cluster://a:70000", /"a:70000" is not host:port/],
      ["redis+cluster://a:1,,b:2", /"" is not host:port/],
      ["redis+cluster://a:1/3", /database 0 only/],
      ["redis+cluster://a:1?tls=true", /database 0 only/],
      ["http://127.0.0.1:6379", /http: is not a Redis scheme/],
      ["127.0.0.1:6379", /not a URL|not a Redis scheme/],
    ] as const) {
      expect(() => parseRedisUrl(url), url).toThrow(message);
    }
    const env = z.object(storesEnv);
    const refused = env.safeParse({ REDIS_URL: "redis+cluster://:hunter2@a:1,b" });
    expect(refused.success).toBe(false);
    expect(JSON.stringify(refused.error?.issues)).not.toContain("hunter2");
    expect(env.safeParse({ REDIS_CLUSTER_NODES: "a:1,b:x" }).success).toBe(false);
    expect(env.parse({}).REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(env.parse({ REDIS_URL: "redis+cluster://a:1,b:2" }).REDIS_URL).toBe("redis+cluster://a:1,b:2");
  });

  it("makes REDIS_CLUSTER_NODES a cluster URL that keeps REDIS_URL's credentials and TLS", () => {
    expect(resolveRedisUrl(settings({}))).toBe("redis://127.0.0.1:6379");
    expect(resolveRedisUrl(settings({ REDIS_CLUSTER_NODES: "10.0.0.5:6379, 10.0.0.6:6379" }))).toBe("redis+cluster://10.0.0.5:6379,10.0.0.6:6379");
    expect(resolveRedisUrl(settings({ REDIS_URL: "rediss://leash:p%40ss@ignored:1", REDIS_CLUSTER_NODES: "[::1]:7000" }))).toBe("rediss+cluster://leash:p%40ss@[::1]:7000");
    expect(parseRedisUrl(resolveRedisUrl(settings({ REDIS_URL: "rediss://leash:p%40ss@ignored:1", REDIS_CLUSTER_NODES: "a:1" })))).toMatchObject({ username: "leash", password: "p@ss", tls: true });
  });

  it("refuses a cluster named twice, a database other than 0, and a queue prefix without a hash tag on a cluster", () => {
    expect(() => resolveRedisUrl(settings({ REDIS_URL: "redis+cluster://a:1", REDIS_CLUSTER_NODES: "b:2" }))).toThrow(/set one of them/);
    expect(() => resolveRedisUrl(settings({ REDIS_URL: "redis://x:1/4", REDIS_CLUSTER_NODES: "b:2" }))).toThrow(/database other than 0/);
    expect(() => resolveRedisUrl(settings({ REDIS_URL: "redis+cluster://a:1", QUEUE_PREFIX: "leash" }))).toThrow(/has no hash tag/);
    expect(() => resolveRedisUrl(settings({ REDIS_CLUSTER_NODES: "a:1", QUEUE_PREFIX: "{}leash" }))).toThrow(/has no hash tag/);
    // One server needs no hash tag.
    expect(resolveRedisUrl(settings({ QUEUE_PREFIX: "leash" }))).toBe("redis://127.0.0.1:6379");
  });

  it("finds the hash tag Redis Cluster hashes, as Redis does", () => {
    expect(hashTagOf("{leash}:actions:1")).toBe("leash");
    expect(hashTagOf("app{leash}")).toBe("leash");
    expect(hashTagOf("{}{leash}")).toBeNull();
    expect(hashTagOf("{leash")).toBeNull();
    expect(hashTagOf("leash")).toBeNull();
  });
});
