import type { SlackCardKey } from "@leash/core";

import type { BotDeps } from "../bot-deps.ts";

/**
 * A batch card shows up to a hundred actions, and each of their events asks for the whole card to
 * be loaded and drawn again. Tickets let one drawing answer many events:
 * - an event takes a ticket (an increasing number per card) once, after its change committed;
 * - a drawing reads the last ticket taken before it loads the card, and once Slack shows the card,
 *   records that number as shown, with the time it was drawn;
 * - an event whose ticket is at most the number shown was taken before a load that saw its change,
 *   so the card already shows it and the event is done;
 * - one event at a time is the card's next drawing (`pending`: when it is due, a second after the
 *   last drawing at the earliest; `drawer`: its job); the events that find one pending are done at
 *   once, since that drawing reads the last ticket when it starts (`startCardDrawing` clears
 *   `pending` and reads `taken` in one step), after theirs. The drawing's job stays the drawer when
 *   it is sent back for later, retried, or run again after its bot died.
 * The mark is written only after Slack accepted the card, so a drawing that fails covers nothing,
 * and its job, run again, draws the card again. All of it lives in one hash so that it expires at
 * once: a counter that restarted below an old mark would cover events nobody drew.
 */
const MEMORY_SECONDS = 7 * 24 * 3600;

/** A pending drawing this long past its due time is presumed lost (its job gave up), and another event becomes the next drawing. */
const PENDING_GRACE_MS = 30_000;

// ARGV: now (epoch ms), least gap between drawings (ms), memory (s), grace (ms), the event's ticket (0: take one), its job's id.
const PLAN = `local key = KEYS[1]
local now = tonumber(ARGV[1])
local ticket = tonumber(ARGV[5])
if ticket == 0 then ticket = redis.call("hincrby", key, "taken", 1) redis.call("expire", key, ARGV[3]) end
local due = math.max(now, tonumber(redis.call("hget", key, "drawnAt") or "0") + tonumber(ARGV[2]))
local pending = tonumber(redis.call("hget", key, "pending") or "0")
local live = pending > 0 and pending + tonumber(ARGV[4]) > now
if live and redis.call("hget", key, "drawer") == ARGV[6] then return {ticket, "drawing", due - now} end
if tonumber(redis.call("hget", key, "shown") or "0") >= ticket then return {ticket, "covered", 0} end
if live then return {ticket, "joined", 0} end
redis.call("hset", key, "pending", due, "drawer", ARGV[6])
return {ticket, "drawing", due - now}`;
// ARGV: now (epoch ms), least gap between drawings (ms).
const START = `local due = tonumber(redis.call("hget", KEYS[1], "drawnAt") or "0") + tonumber(ARGV[2])
if due > tonumber(ARGV[1]) then return {"wait", due - tonumber(ARGV[1]), 0} end
redis.call("hdel", KEYS[1], "pending", "drawer")
return {"draw", tonumber(redis.call("hget", KEYS[1], "taken") or "0"), tonumber(redis.call("hget", KEYS[1], "shown") or "0")}`;
const MARK = `if redis.call("exists", KEYS[1]) == 0 then return 0 end
if tonumber(ARGV[1]) > tonumber(redis.call("hget", KEYS[1], "shown") or "0") then redis.call("hset", KEYS[1], "shown", ARGV[1]) end
redis.call("hset", KEYS[1], "drawnAt", ARGV[2]) return 1`;

type TicketDeps = Pick<BotDeps, "redis" | "keyPrefix">;

const ticketsKey = (deps: TicketDeps, card: SlackCardKey) => `${deps.keyPrefix}:slack:card-tickets:${card}`;

/**
 * What an event of a batch card does: `covered`, the card shows its change; `joined`, the pending
 * drawing will show it; `drawing`, its job is that drawing, due in `waitMs` (0: now).
 */
export type CardDrawingPlan = { ticket: number } & ({ kind: "covered" | "joined" } | { kind: "drawing"; waitMs: number });

/** Takes the event's ticket (unless it has one) and plans, in one step. */
export async function planCardDrawing(
  deps: TicketDeps,
  card: SlackCardKey,
  { ticket, jobId, leastGapMs, now }: { ticket: number | undefined; jobId: string; leastGapMs: number; now: number },
): Promise<CardDrawingPlan> {
  // Lua numbers come back as integers, strings as strings.
  const [taken, kind, waitMs] = (await deps.redis.eval(PLAN, 1, ticketsKey(deps, card), now, leastGapMs, MEMORY_SECONDS, PENDING_GRACE_MS, ticket ?? 0, jobId)) as [number, string, number];
  if (kind === "drawing") return { ticket: taken, kind, waitMs };
  if (kind === "covered" || kind === "joined") return { ticket: taken, kind };
  throw new Error(`unexpected card drawing plan ${kind}`);
}

/**
 * The pending drawing starts, unless the last one was less than `leastGapMs` ago (`wait`): from now
 * on events plan the next one. Answers the last ticket taken (what this drawing will show) and the
 * highest one shown.
 */
export async function startCardDrawing(
  deps: TicketDeps,
  card: SlackCardKey,
  { leastGapMs, now }: { leastGapMs: number; now: number },
): Promise<{ kind: "wait"; waitMs: number } | { kind: "draw"; upTo: number; shownUpTo: number }> {
  const [kind, first, second] = (await deps.redis.eval(START, 1, ticketsKey(deps, card), now, leastGapMs)) as [string, number, number];
  if (kind === "wait") return { kind, waitMs: first };
  if (kind === "draw") return { kind, upTo: first, shownUpTo: second };
  throw new Error(`unexpected card drawing start ${kind}`);
}

/** The last ticket taken: a load that starts after this read sees every change those tickets stand for. */
export async function lastCardTicket(deps: TicketDeps, card: SlackCardKey): Promise<number> {
  return Number((await deps.redis.hget(ticketsKey(deps, card), "taken")) ?? 0);
}

export async function markCardShown(deps: TicketDeps, card: SlackCardKey, { upTo, drawnAt }: { upTo: number; drawnAt: number }): Promise<void> {
  if (upTo > 0) await deps.redis.eval(MARK, 1, ticketsKey(deps, card), upTo, drawnAt);
}
