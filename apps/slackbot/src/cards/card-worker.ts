import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { z } from "zod";

import { actionEventJob, createRedisConnection, findSlackCardKey, queueNames, type ActionEventPayload, type Logger, type SlackCardKey } from "@leash/core";

import type { BotDeps } from "../bot-deps.ts";
import { withCardLock } from "./card-lock.ts";
import { cardShows, lastCardTicket, markCardShown, takeCardTicket } from "./card-tickets.ts";
import { syncCard, type SyncOutcome } from "./sync-card.ts";

/** How soon an event comes back when another process is busy with the same card. */
const BUSY_RETRY_MS = 200;

/**
 * An action event as the card worker keeps it: the bot adds the card ticket it took, so that an
 * event sent back while the card was busy keeps its place instead of taking a later one.
 */
const cardEventJob = actionEventJob.payload.extend({ cardTicket: z.int().positive().optional() });

/** "covered": a sync that started after the event's change already showed it. */
export type CardOutcome = SyncOutcome | "covered";

/**
 * Events that only ask for the card to show the current state. The others also post something
 * of their own (a rollback report, a reminder or an escalation in the thread), so each is synced.
 */
const redrawOnly = (event: ActionEventPayload) => event.type !== "rolled_back" && event.type !== "reminder_sent" && event.type !== "escalated";

/**
 * A lone action's card is small and each of its states is worth showing in turn; a batch card
 * loads and draws every member, so its events share syncs (card-tickets.ts).
 */
const sharesSyncs = (card: SlackCardKey, event: ActionEventPayload) => card.startsWith("batch:") && redrawOnly(event);

export interface CardWorker {
  close(): Promise<void>;
}

/** Consumes the action events core publishes and keeps each action's Slack card in sync with them. */
export async function startCardWorker(
  deps: BotDeps,
  options: { redisUrl: string; queuePrefix: string; teamId: string; logger: Logger; concurrency?: number },
): Promise<CardWorker> {
  // A worker blocks on Redis and must retry forever; see BullMQ's guide on connections.
  const connection = createRedisConnection({ url: options.redisUrl, role: "worker", name: "card worker", logger: options.logger });
  const worker = new Worker(
    queueNames.actionEvents,
    async (job: Job, token?: string): Promise<CardOutcome> => {
      const parsed = cardEventJob.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`Malformed action event: ${parsed.error.message}`);
      const { cardTicket, ...event } = parsed.data;
      const card = await findSlackCardKey(deps.core, event);
      if (!card) return "skipped";
      const ticket = sharesSyncs(card, event) ? (cardTicket ?? (await takeCardTicket(deps, card))) : null;
      if (ticket !== null && (await cardShows(deps, card, ticket))) return "covered";
      const outcome = await withCardLock(deps, card, async (): Promise<CardOutcome> => {
        if (ticket !== null && (await cardShows(deps, card, ticket))) return "covered";
        const upTo = await lastCardTicket(deps, card);
        const synced = await syncCard(deps, event, options);
        if (synced !== "skipped") await markCardShown(deps, card, upTo);
        return synced;
      });
      if (outcome !== "busy") return outcome;
      if (ticket !== null && cardTicket === undefined) await job.updateData({ ...event, cardTicket: ticket });
      await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
      throw new DelayedError();
    },
    { connection, prefix: options.queuePrefix, concurrency: options.concurrency ?? 4 },
  );
  worker.on("error", (error) => options.logger.error({ err: error.message }, "card worker error"));
  worker.on("failed", (job, error) => {
    if (job) options.logger.warn({ jobId: job.id, event: job.data as unknown, attempt: job.attemptsMade, err: error.message }, "card update failed");
  });
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
