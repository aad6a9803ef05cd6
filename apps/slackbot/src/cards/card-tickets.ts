import type { SlackCardKey } from "@leash/core";

import type { BotDeps } from "../bot-deps.ts";

/**
 * A batch card shows up to a hundred actions, and each of their events asks for the whole card to
 * be loaded and drawn again. Tickets let one drawing answer many events:
 * - an event takes a ticket (an increasing number per card) once, after its change committed;
 * - a sync reads the last ticket taken before it loads the card, and once Slack shows the card,
 *   records that number as shown, with the time it was drawn;
 * - an event whose ticket is at most the number shown was taken before a load that saw its change,
 *   so the card already shows it and the event is done.
 * The mark is written only after Slack accepted the card, so a bot that dies mid-sync leaves its
 * events uncovered and they draw the card again. All of it lives in one hash so that it expires
 * at once: a counter that restarted below an old mark would cover events nobody drew.
 */
const MEMORY_SECONDS = 7 * 24 * 3600;

const TAKE = `local n = redis.call("hincrby", KEYS[1], "taken", 1) redis.call("expire", KEYS[1], ARGV[1]) return n`;
const MARK = `if redis.call("exists", KEYS[1]) == 0 then return 0 end
if tonumber(ARGV[1]) > tonumber(redis.call("hget", KEYS[1], "shown") or "0") then redis.call("hset", KEYS[1], "shown", ARGV[1]) end
redis.call("hset", KEYS[1], "drawnAt", ARGV[2]) return 1`;

type TicketDeps = Pick<BotDeps, "redis" | "keyPrefix">;

const ticketsKey = (deps: TicketDeps, card: SlackCardKey) => `${deps.keyPrefix}:slack:card-tickets:${card}`;

export async function takeCardTicket(deps: TicketDeps, card: SlackCardKey): Promise<number> {
  return Number(await deps.redis.eval(TAKE, 1, ticketsKey(deps, card), MEMORY_SECONDS));
}

/** The last ticket taken: a load that starts after this read sees every change those tickets stand for. */
export async function lastCardTicket(deps: TicketDeps, card: SlackCardKey): Promise<number> {
  return Number((await deps.redis.hget(ticketsKey(deps, card), "taken")) ?? 0);
}

/** The highest ticket the card shows, and when it was last drawn (epoch ms, 0 if never). */
export async function cardDrawn(deps: TicketDeps, card: SlackCardKey): Promise<{ shownUpTo: number; drawnAt: number }> {
  const [shown, drawnAt] = await deps.redis.hmget(ticketsKey(deps, card), "shown", "drawnAt");
  return { shownUpTo: Number(shown ?? 0), drawnAt: Number(drawnAt ?? 0) };
}

export async function markCardShown(deps: TicketDeps, card: SlackCardKey, { upTo, drawnAt }: { upTo: number; drawnAt: number }): Promise<void> {
  if (upTo > 0) await deps.redis.eval(MARK, 1, ticketsKey(deps, card), upTo, drawnAt);
}
