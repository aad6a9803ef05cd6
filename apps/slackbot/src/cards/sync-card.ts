import { webApi } from "@slack/bolt";

import { findEscalationRecipient, loadSlackCard, recordSlackMessage, type ActionEventPayload, type Logger, type SlackCard } from "@leash/core";

import { approvalCard, type SlackMessage } from "../blocks/approval-card.ts";
import { batchCard } from "../blocks/batch-card.ts";
import { escalationText, reminderText } from "../blocks/deadline-notices.ts";
import { rollbackReport } from "../blocks/rollback-report.ts";
import type { BotDeps } from "../bot-deps.ts";

export type SyncOutcome = "posted" | "updated" | "skipped";

const REPORT_MEMORY_SECONDS = 7 * 24 * 3600;

const isSlackError = (error: unknown, code: string) => error instanceof webApi.WebAPIPlatformError && error.data.error === code;

/**
 * Makes the action's card show the action as it is now: posted once (its channel and ts kept with
 * the action), edited in place ever after. It renders the current state rather than the event's,
 * so events handled late or out of order can never leave an older state on top. The caller holds
 * the card (`withCardLock`).
 */
export async function syncCard(
  deps: BotDeps,
  event: ActionEventPayload,
  { teamId, logger }: { teamId: string; logger: Logger },
): Promise<SyncOutcome> {
  const card = await loadSlackCard(deps.core, event);
  if (!card) return "skipped";
  if (card.teamId !== teamId) {
    logger.warn({ tenant: card.tenant.slug, linkedTeam: card.teamId, botTeam: teamId }, "tenant is linked to another Slack workspace than this bot's token; card skipped");
    return "skipped";
  }
  const message = card.batch ? batchCard(card, card.batch, { webBaseUrl: deps.webBaseUrl }) : approvalCard(card, { webBaseUrl: deps.webBaseUrl, now: deps.core.clock.now() });
  return showCard(deps, event, card, message, logger);
}

/** Edits the card in place, or posts it (keeping its channel and ts with every action it shows), then its thread replies. */
async function showCard(deps: BotDeps, event: ActionEventPayload, card: SlackCard, message: SlackMessage, logger: Logger): Promise<SyncOutcome> {
  const now = deps.core.clock.now();
  let outcome: SyncOutcome = "updated";
  let ts = card.messageTs;
  if (ts !== null) {
    try {
      await deps.slack.chat.update({ channel: card.channelId, ts, ...message });
    } catch (error) {
      // Someone deleted the card; a new one keeps the channel truthful.
      if (!isSlackError(error, "message_not_found")) throw error;
      ts = null;
    }
  }
  if (ts === null) {
    const posted = await deps.slack.chat.postMessage({ channel: card.channelId, ...message, unfurl_links: false, unfurl_media: false });
    if (!posted.ts || !posted.channel) throw new Error("chat.postMessage answered without channel and ts");
    const shown = card.batch ? card.batch.members.map((member) => member.id) : [card.action.id];
    for (const actionId of shown) {
      await recordSlackMessage(deps.core.db, { tenantId: card.tenant.id, actionId, channelId: posted.channel, messageTs: posted.ts });
    }
    ts = posted.ts;
    outcome = "posted";
  }
  if (event.type === "rolled_back") await reportRollback(deps, card, ts);
  if (event.type === "reminder_sent" && card.action.status === "pending") {
    await postOnce(deps, `reminder:${card.action.id}`, { channel: card.channelId, thread_ts: ts, text: reminderText(card, now) });
  }
  if (event.type === "escalated" && card.action.status === "pending") await sendEscalation(deps, card, { now, logger });
  return outcome;
}

/**
 * Posts a message once however often its event is delivered (the key is kept for a week); if
 * Slack refuses it, the key is released so the event's retry posts it.
 */
async function postOnce(deps: BotDeps, key: string, message: { channel: string; text: string; thread_ts?: string }): Promise<void> {
  const memory = `${deps.keyPrefix}:slack:once:${key}`;
  if ((await deps.redis.set(memory, "1", "EX", REPORT_MEMORY_SECONDS, "NX")) !== "OK") return;
  try {
    await deps.slack.chat.postMessage({ ...message, unfurl_links: false, unfurl_media: false });
  } catch (error) {
    await deps.redis.del(memory);
    throw error;
  }
}

/** A direct message to the backup approver, when their Slack user is linked; the card says who it went to either way. */
async function sendEscalation(deps: BotDeps, card: SlackCard, { now, logger }: { now: Date; logger: Logger }): Promise<void> {
  const recipient = await findEscalationRecipient(deps.core.db, { tenantId: card.tenant.id, actionId: card.action.id });
  if (!recipient?.slackUserId) {
    logger.info({ actionId: card.action.id, to: recipient?.label ?? null }, "escalated to someone without a linked Slack user; no direct message");
    return;
  }
  const text = escalationText(card, { now, webBaseUrl: deps.webBaseUrl });
  await postOnce(deps, `escalation:${card.action.id}`, { channel: recipient.slackUserId, text });
}

/** Once per undo and outcome, however often its event is delivered, the card's thread says how the rollback went. */
async function reportRollback(deps: BotDeps, card: SlackCard, ts: string): Promise<void> {
  const report = rollbackReport(card);
  if (!report || !card.undoAction) return;
  const key = `${deps.keyPrefix}:slack:rollback-report:${card.action.id}:${card.undoAction.id}:${card.undoAction.status}`;
  if ((await deps.redis.set(key, "1", "EX", REPORT_MEMORY_SECONDS, "NX")) !== "OK") return;
  try {
    await deps.slack.chat.postMessage({ channel: card.channelId, thread_ts: ts, text: report });
  } catch (error) {
    await deps.redis.del(key);
    throw error;
  }
}
