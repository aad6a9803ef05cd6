import { randomUUID } from "node:crypto";

import type { SlackCardKey } from "@leash/core";

import type { BotDeps } from "../bot-deps.ts";

const LOCK_MS = 30_000;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Runs `work` while holding one card, so that two events shown on it (a click and the execution
 * right after it, or two actions of one batch), handled by two bot processes at once, can neither
 * post two cards nor leave an older state on top. Returns "busy" when someone else holds it.
 */
export async function withCardLock<T>(deps: Pick<BotDeps, "redis" | "keyPrefix">, card: SlackCardKey, work: () => Promise<T>): Promise<T | "busy"> {
  const key = `${deps.keyPrefix}:slack:card-lock:${card}`;
  const token = randomUUID();
  if ((await deps.redis.set(key, token, "PX", LOCK_MS, "NX")) !== "OK") return "busy";
  try {
    return await work();
  } finally {
    await deps.redis.eval(RELEASE, 1, key, token);
  }
}
