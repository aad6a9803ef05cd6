import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";

import { actionEventJob, findSlackCardKey, type ActionEventPayload, type Logger, type SlackCardKey } from "@leash/core";

import type { BotDeps } from "../bot-deps.ts";
import { withCardLock } from "./card-lock.ts";
import { cardDrawn, lastCardTicket, markCardShown, takeCardTicket } from "./card-tickets.ts";
import { syncCard, type SyncOutcome } from "./sync-card.ts";

/** How soon an event comes back when another process is busy with the same card. */
const BUSY_RETRY_MS = 200;

/**
 * The least time between two drawings of a batch card. Slack throttles apps that edit messages in
 * quick succession, and nobody reads a card redrawn faster than this; the events that arrive
 * meanwhile are answered together by the next drawing.
 */
const BATCH_REDRAW_MS = 1000;

/**
 * An action event as the card worker keeps it: the bot adds the card ticket it took, so that an
 * event sent back for later keeps its place instead of taking a newer ticket.
 */
const cardEventJob = actionEventJob.payload.extend({ cardTicket: z.int().positive().optional() });

/** "covered": a drawing that started after the event's change already showed it. */
export type CardOutcome = SyncOutcome | "covered";

/**
 * Events that only ask for the card to show the current state. The others also post something
 * of their own (a rollback report, a reminder or an escalation in the thread), so each is synced.
 */
const redrawOnly = (event: ActionEventPayload) => event.type !== "rolled_back" && event.type !== "reminder_sent" && event.type !== "escalated";

/**
 * A lone action's card is small and each of its states is worth showing in turn; a batch card
 * loads and draws every member, so its events share drawings (card-tickets.ts).
 */
const sharedCard = (card: SlackCardKey) => card.startsWith("batch:");

/**
 * Brings the card of one action event up to date: draws it now, finds it already drawn since the
 * event's change ("covered"), or sends the event back for later (DelayedError) while another
 * process holds the card or a batch card was drawn less than a second ago.
 */
export async function handleCardEvent(deps: BotDeps, job: Job, token: string | undefined, options: { teamId: string; logger: Logger }): Promise<CardOutcome> {
  const parsed = cardEventJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Malformed action event: ${parsed.error.message}`);
  const { cardTicket, ...event } = parsed.data;
  const card = await findSlackCardKey(deps.core, event);
  if (!card) return "skipped";
  const shared = sharedCard(card);
  const ticket = shared && redrawOnly(event) ? (cardTicket ?? (await takeCardTicket(deps, card))) : null;

  // Asked before taking the card, so that most events of a busy batch need not, and again once it is held.
  const due = async (): Promise<"covered" | "now" | number> => {
    if (ticket === null) return "now";
    const drawn = await cardDrawn(deps, card);
    if (drawn.shownUpTo >= ticket) return "covered";
    const wait = drawn.drawnAt + BATCH_REDRAW_MS - Date.now();
    return wait > 0 ? wait : "now";
  };
  const before = await due();
  const outcome =
    before === "now"
      ? await withCardLock(deps, card, async (): Promise<CardOutcome | number> => {
          const held = await due();
          if (held !== "now") return held;
          const upTo = shared ? await lastCardTicket(deps, card) : 0;
          const synced = await syncCard(deps, event, options);
          if (synced !== "skipped") await markCardShown(deps, card, { upTo, drawnAt: Date.now() });
          return synced;
        })
      : before;
  if (outcome !== "busy" && typeof outcome !== "number") return outcome;

  if (ticket !== null && cardTicket === undefined) await job.updateData({ ...event, cardTicket: ticket });
  await job.moveToDelayed(Date.now() + (outcome === "busy" ? BUSY_RETRY_MS : outcome), token);
  throw new DelayedError();
}
