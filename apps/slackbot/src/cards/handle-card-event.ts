import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";

import { actionEventJob, findSlackCardKey, type ActionEventPayload, type Logger, type SlackCardKey } from "@leash/core";

import type { BotDeps } from "../bot-deps.ts";
import { withCardLock } from "./card-lock.ts";
import { lastCardTicket, markCardShown, planCardDrawing, startCardDrawing } from "./card-tickets.ts";
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
 * event's change or another event of its batch card drawing it next ("covered"), or sends the event
 * back for later (DelayedError) while another process holds the card, or as its batch card's next
 * drawing, a second after the last one.
 */
export async function handleCardEvent(deps: BotDeps, job: Job, token: string | undefined, options: { teamId: string; logger: Logger }): Promise<CardOutcome> {
  const parsed = cardEventJob.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`Malformed action event: ${parsed.error.message}`);
  const { cardTicket, ...event } = parsed.data;
  const card = await findSlackCardKey(deps.core, event);
  if (!card) return "skipped";
  const later = async (ms: number, ticket?: number): Promise<never> => {
    if (ticket !== undefined && cardTicket === undefined) await job.updateData({ ...event, cardTicket: ticket });
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  };

  if (!sharedCard(card) || !redrawOnly(event)) {
    const outcome = await withCardLock(deps, card, async () => drawCard(deps, card, event, options, sharedCard(card) ? await lastCardTicket(deps, card) : 0));
    return outcome === "busy" ? later(BUSY_RETRY_MS) : outcome;
  }

  const plan = await planCardDrawing(deps, card, { ticket: cardTicket, jobId: job.id ?? "", leastGapMs: BATCH_REDRAW_MS, now: Date.now() });
  if (plan.kind !== "drawing") return "covered";
  if (plan.waitMs > 0) return later(plan.waitMs, plan.ticket);
  const outcome = await withCardLock(deps, card, async (): Promise<CardOutcome | number> => {
    const start = await startCardDrawing(deps, card, { leastGapMs: BATCH_REDRAW_MS, now: Date.now() });
    if (start.kind === "wait") return start.waitMs;
    return start.shownUpTo >= start.upTo ? "covered" : drawCard(deps, card, event, options, start.upTo);
  });
  if (outcome === "busy") return later(BUSY_RETRY_MS, plan.ticket);
  return typeof outcome === "number" ? later(outcome, plan.ticket) : outcome;
}

/** Draws the card as it is now; on a batch card, records that it shows the changes of tickets up to `upTo`. */
async function drawCard(deps: BotDeps, card: SlackCardKey, event: ActionEventPayload, options: { teamId: string; logger: Logger }, upTo: number): Promise<CardOutcome> {
  const synced = await syncCard(deps, event, options);
  if (synced !== "skipped") await markCardShown(deps, card, { upTo, drawnAt: Date.now() });
  return synced;
}
