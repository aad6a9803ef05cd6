import type { types } from "@slack/bolt";

import { presentAction, type ActionPresentation, type SlackCard } from "@leash/core";

import { ids } from "../ids.ts";
import { actionStateLines } from "./action-state.ts";
import { capitalise, consoleUrl, escapeText, fit, slackTime } from "./format.ts";

export interface SlackMessage {
  /** The notification and screen-reader text. */
  text: string;
  blocks: types.KnownBlock[];
}

const mrkdwn = (text: string): types.MrkdwnElement => ({ type: "mrkdwn", text });

function targetText(presentation: ActionPresentation, actionType: string): string {
  const target = presentation.target;
  if (!target) return "—";
  if (actionType === "create" && target.id === null) return `new ${target.kind}`;
  const title = target.title ? ` “${escapeText(fit(target.title, 80))}”` : "";
  return `${target.kind}${target.id !== null ? ` #${target.id}` : ""}${title}`;
}

function changeLines(presentation: ActionPresentation): string[] {
  const value = (text: string | null) => (text === null ? "—" : escapeText(text));
  const changes = presentation.changes.map((change) => {
    if (change.before === null) return `• ${escapeText(change.field)}: ${value(change.after)}`;
    if (change.after === null) return `• ${escapeText(change.field)}: ${value(change.before)} (removed)`;
    return `• ${escapeText(change.field)}: ${value(change.before)}  →  ${value(change.after)}`;
  });
  return [...changes, ...presentation.details.map((detail) => `• ${escapeText(detail)}`)];
}

/**
 * The approval card of an action in any state: the proposal with Approve / Reject while it waits,
 * and once decided the same card without buttons, saying who decided, when, and what came of it.
 */
export function approvalCard(card: SlackCard, options: { webBaseUrl: string }): SlackMessage {
  const { action, tenant } = card;
  const presentation = presentAction(action, card.items);
  const pending = action.status === "pending";
  const url = consoleUrl(options.webBaseUrl, action.id);
  const states = actionStateLines(action, card.undoAction);
  const title = pending ? `Approval needed: ${presentation.headline}` : `#${action.id}: ${presentation.headline}`;

  const proposed = [`Proposed by *${escapeText(action.proposedBy.label)}* · ${slackTime(action.createdAt)}`];
  if (action.reason) proposed.push(`Reason: “${escapeText(fit(action.reason, 500))}”`);
  const changes = changeLines(presentation);

  const blocks: types.KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: fit(capitalise(title), 150) } },
    { type: "section", text: mrkdwn(proposed.join("\n")) },
    {
      type: "section",
      fields: [
        mrkdwn(`*Action*\n${action.actionType}`),
        mrkdwn(`*Target*\n${targetText(presentation, action.actionType)}`),
        mrkdwn(`*Reversible*\n${presentation.reversible.reversible ? "yes" : "no"} (${escapeText(presentation.reversible.explanation)})`),
      ],
    },
  ];
  if (changes.length) blocks.push({ type: "section", text: mrkdwn(fit(`*${action.actionType === "create" ? "Fields" : "Changes"}*\n${changes.join("\n")}`, 3000)) });
  if (pending) {
    blocks.push({
      type: "actions",
      elements: [
        { type: "button", action_id: ids.actions.approve, text: { type: "plain_text", text: "Approve" }, style: "primary", value: String(action.id) },
        { type: "button", action_id: ids.actions.reject, text: { type: "plain_text", text: "Reject" }, style: "danger", value: String(action.id) },
        { type: "button", action_id: ids.actions.openInConsole, text: { type: "plain_text", text: "Open in console" }, url },
      ],
    });
  } else {
    // Decided cards keep no buttons at all, so a stale click cannot exist; the console is a link.
    blocks.push({ type: "section", text: mrkdwn(fit(`${states.join("\n")}\n<${url}|Open in console>`, 3000)) });
  }
  blocks.push({ type: "context", elements: [mrkdwn(`Action #${action.id} · tenant ${escapeText(tenant.name)}`)] });

  const headline = escapeText(presentation.headline);
  const text = pending ? `Approval needed: ${headline}` : `#${action.id} ${headline}: ${states.join("; ")}`;
  return { text: fit(text, 3000), blocks };
}
