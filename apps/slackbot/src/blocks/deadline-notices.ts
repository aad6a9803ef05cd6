import { describeExpiry, presentAction, type SlackCard } from "@leash/core";

import { consoleUrl, escapeText, slackTime } from "./format.ts";

const expiryClause = (card: SlackCard, now: Date) =>
  card.action.expiresAt ? `; it ${describeExpiry(card.action.expiresAt, now)}` : "";

/** The reminder posted in the card's thread while an action still waits. */
export function reminderText(card: SlackCard, now: Date): string {
  const { action } = card;
  const headline = escapeText(presentAction(action, card.items).headline);
  return `:bell: Reminder: #${action.id} (${headline}) has been waiting for a decision since ${slackTime(action.createdAt)}${expiryClause(card, now)}.`;
}

/** The direct message to the backup approver an action was escalated to. */
export function escalationText(card: SlackCard, options: { now: Date; webBaseUrl: string }): string {
  const { action } = card;
  const headline = escapeText(presentAction(action, card.items).headline);
  const url = consoleUrl(options.webBaseUrl, action.id);
  return (
    `:rotating_light: #${action.id} was escalated to you as the backup approver: ${headline}, proposed by ${escapeText(action.proposedBy.label)}, ` +
    `has been waiting since ${slackTime(action.createdAt)}${expiryClause(card, options.now)}. ` +
    `Decide on its card in <#${card.channelId}> or <${url}|in the console>.`
  );
}
