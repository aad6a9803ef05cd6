import { randomUUID } from "node:crypto";

import { CoreError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { DEFAULT_QUEUE_PREFIX } from "../queue/queue-definitions.ts";
import type { RedisConnection } from "../redis/create-redis-connection.ts";

/** Waits and watches an API key may have open at once, across every API instance. */
export const DEFAULT_MAX_WAITS_PER_KEY = 32;

/**
 * How long a slot lives in Redis unless its holder refreshes it (every third of this): the bound on
 * how long the slots of a crashed API instance keep counting against their key.
 */
export const DEFAULT_WAIT_SLOT_TTL_MS = 30_000;

/** One wait's place in its key's count, until it is released. */
export interface WaitSlot {
  release(): Promise<void>;
}

export interface WaitSlots {
  /** Takes one of the key's slots, or refuses with LIMIT_EXCEEDED when all of them are taken. */
  acquire(apiKeyId: string): Promise<WaitSlot>;
}

export interface WaitSlotsOptions {
  /** Shared by every API instance; without it the count holds in this process only. */
  redis?: RedisConnection | undefined;
  /** The queue prefix (hash-tagged, so the keys suit Redis Cluster). */
  prefix?: string;
  maxPerKey?: number;
  ttlMs?: number;
  logger: Logger;
}

// Redis' own clock scores the slots, so instances with skewed clocks never prune each other's live slots.
// Each script touches one key, the key's set: member = slot id, score = when it expires.
const NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";
const PRUNE = "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)";
// The set lives as long as its longest slot: its expiry is only ever pushed later, never brought closer.
const HOLD = "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end";
const ACQUIRE = `${NOW} ${PRUNE} if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end ${HOLD} return 1`;
// A slot pruned while its refresh could not reach Redis is added back: the count stays true to the waits alive.
const REFRESH = `${NOW} ${PRUNE} ${HOLD} return 1`;

/**
 * Counts the waits and watches each API key holds, in a sorted set per key in Redis so that the
 * cap holds across API instances. A slot expires unless its holder refreshes it, and every acquire
 * first prunes the expired ones, so a crashed instance's slots free themselves within `ttlMs`.
 * When Redis does not answer, this process's own slots are counted instead (the cap then holds per
 * instance): refusing every wait because Redis is down would turn a Redis fault into an outage.
 */
export function createWaitSlots({ redis, prefix = DEFAULT_QUEUE_PREFIX, maxPerKey = DEFAULT_MAX_WAITS_PER_KEY, ttlMs = DEFAULT_WAIT_SLOT_TTL_MS, logger }: WaitSlotsOptions): WaitSlots {
  const held = new Map<string, Set<string>>();
  const setKey = (apiKeyId: string) => `${prefix}:wait-slots:${apiKeyId}`;
  const refused = () =>
    new CoreError(
      "LIMIT_EXCEEDED",
      `Too many waits: an API key may have ${maxPerKey} waits and watches open at once (action.proposeAndWait, action.wait, action.watch and the MCP tools that wait); let one answer or close one, then try again`,
      { retryable: true },
    );

  async function takeInRedis(apiKeyId: string, slotId: string): Promise<boolean> {
    if (!redis) return (held.get(apiKeyId)?.size ?? 0) < maxPerKey;
    try {
      return (await redis.eval(ACQUIRE, 1, setKey(apiKeyId), slotId, ttlMs, maxPerKey)) === 1;
    } catch (error) {
      logger.warn({ err: error, apiKeyId }, "counting waits in redis failed: counting this instance's only");
      return (held.get(apiKeyId)?.size ?? 0) < maxPerKey;
    }
  }

  return {
    async acquire(apiKeyId) {
      const slotId = randomUUID();
      if (!(await takeInRedis(apiKeyId, slotId))) throw refused();
      const mine = held.get(apiKeyId) ?? new Set<string>();
      mine.add(slotId);
      held.set(apiKeyId, mine);
      const refresh = redis
        ? setInterval(() => {
            redis.eval(REFRESH, 1, setKey(apiKeyId), slotId, ttlMs).catch((error: unknown) => logger.warn({ err: error, apiKeyId }, "refreshing a wait slot failed"));
          }, ttlMs / 3)
        : null;
      // A slot alone never keeps the process alive.
      refresh?.unref();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          if (refresh) clearInterval(refresh);
          mine.delete(slotId);
          if (mine.size === 0 && held.get(apiKeyId) === mine) held.delete(apiKeyId);
          if (!redis) return;
          try {
            await redis.zrem(setKey(apiKeyId), slotId);
          } catch (error) {
            // It expires by itself within ttlMs.
            logger.warn({ err: error, apiKeyId }, "releasing a wait slot failed");
          }
        },
      };
    },
  };
}
