import type { types } from "@slack/bolt";

import { describeApprovals, describeExpiry, presentAction, type ActionPresentation, type ActionView, type SlackCard } from "@leash/core";

import { ids } from "../ids.ts";
import { actionStateLines } from "./action-state.ts";
import { capitalise, consoleUrl, escapeText, fit, slackTime } from "./format.ts";

export interface SlackMessage {
  /** The notification and screen-reader text. */
  text: string;
  blocks: types.KnownBlock[];
}

/** The trust periods the card offers; the API and the console take any number of days up to MAX_TRUST_DAYS. */
const TRUST_DAYS = [1, 7, 30] as const;

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

/** "yes, until <time>" / "yes" / "no", and how. */
/** A preformatted block (a request's body); Slack has no escape for the fence, so one inside is broken up. */
function fence(code: string): string {
  return "```\n" + fit(escapeText(code).replaceAll("```", "`\u200b``"), 2900) + "\n```";
}

function reversibleText(presentation: ActionPresentation): string {
  const { reversible, until, explanation } = presentation.reversible;
  const answer = reversible ? (until ? `yes, until ${slackTime(until)}` : "yes") : "no";
  return `${answer} (${escapeText(explanation)})`;
}

/** Approve; for what cannot be undone, behind Slack's own confirmation dialog, which says why. */
function approveButton(actionId: number, presentation: ActionPresentation): types.Button {
  const button: types.Button = { type: "button", action_id: ids.actions.approve, text: { type: "plain_text", text: "Approve" }, style: "primary", value: String(actionId) };
  const { reversible, explanation } = presentation.reversible;
  if (reversible) return button;
  return {
    ...button,
    confirm: {
      title: { type: "plain_text", text: `Approve #${actionId}?` },
      text: { type: "plain_text", text: fit(`This cannot be undone: ${explanation}.`, 300) },
      confirm: { type: "plain_text", text: "Approve for good" },
      deny: { type: "plain_text", text: "Go back" },
      style: "danger",
    },
  };
}

/** A quorum's progress while it waits: "1 of 2 approvals · approved by Dana"; nothing for a single approver not yet given. */
function quorumLine(action: ActionView): string | null {
  const { approvals } = action;
  if (approvals.required <= 1 && approvals.count === 0) return null;
  const who = approvals.approvers.map((approver) => escapeText(approver.label)).join(", ");
  return `:busts_in_silhouette: *${describeApprovals(approvals)}*${who ? ` · approved by ${who}` : ""}`;
}

/** The trust ramp: "Approve, and auto-approve actions like this from this proposer for N days". */
function trustMenu(action: ActionView): types.Overflow[] {
  if (action.proposedBy.id === null) return [];
  const option = (days: number) => ({
    text: { type: "plain_text" as const, text: `Approve + auto-approve like this for ${days === 1 ? "1 day" : `${days} days`}` },
    value: JSON.stringify({ actionId: action.id, days }),
  });
  return [{ type: "overflow", action_id: ids.actions.approveAndTrust, options: TRUST_DAYS.map(option) }];
}

/** Why a pending action is asking again: it came back because its target changed after the proposal. */
function returnedLine(action: SlackCard["action"]): string | null {
  const last = action.timeline.findLast((event) => event.type === "returned_to_pending" || event.type === "approved");
  if (last?.type !== "returned_to_pending") return null;
  const details = last.details;
  const reason = typeof details === "object" && details !== null && !Array.isArray(details) && typeof details.reason === "string" ? details.reason : "its target changed";
  return `:warning: Back for a new decision: ${escapeText(reason)}; earlier approvals were cleared.`;
}

/** While it waits: how long until it expires (as of `now`, refreshed with every reminder and escalation) and who it went to. */
function deadlineLine(action: ActionView, now: Date): string | null {
  const parts: string[] = [];
  if (action.expiresAt) parts.push(`:hourglass_flowing_sand: ${capitalise(describeExpiry(action.expiresAt, now))} (${slackTime(action.expiresAt)})`);
  if (action.escalatedTo) parts.push(`Escalated to *${escapeText(action.escalatedTo)}*`);
  return parts.length > 0 ? parts.join(" · ") : null;
}

/**
 * The approval card of an action in any state: the proposal with Approve / Reject while it waits,
 * and once decided the same card without buttons, saying who decided, when, and what came of it.
 */
export function approvalCard(card: SlackCard, options: { webBaseUrl: string; now: Date }): SlackMessage {
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
        mrkdwn(`*Reversible*\n${reversibleText(presentation)}`),
      ],
    },
  ];
  if (changes.length) blocks.push({ type: "section", text: mrkdwn(fit(`*${action.actionType === "create" ? "Fields" : "Changes"}*\n${changes.join("\n")}`, 3000)) });
  if (presentation.code) blocks.push({ type: "section", text: mrkdwn(fence(presentation.code)) });
  const returned = pending ? returnedLine(card.action) : null;
  if (returned) blocks.push({ type: "context", elements: [mrkdwn(returned)] });
  const quorum = pending ? quorumLine(action) : null;
  if (quorum) blocks.push({ type: "context", elements: [mrkdwn(quorum)] });
  const deadline = pending ? deadlineLine(action, options.now) : null;
  if (deadline) blocks.push({ type: "context", elements: [mrkdwn(deadline)] });
  if (pending) {
    blocks.push({
      type: "actions",
      elements: [
        approveButton(action.id, presentation),
        { type: "button", action_id: ids.actions.editAndApprove, text: { type: "plain_text", text: "Edit & approve" }, value: String(action.id) },
        { type: "button", action_id: ids.actions.reject, text: { type: "plain_text", text: "Reject" }, style: "danger", value: String(action.id) },
        ...trustMenu(action),
        { type: "button", action_id: ids.actions.openInConsole, text: { type: "plain_text", text: "Open in console" }, url },
      ],
    });
  } else {
    // Decided cards keep no buttons at all, so a stale click cannot exist; the console is a link.
    blocks.push({ type: "section", text: mrkdwn(fit(`${states.join("\n")}\n<${url}|Open in console>`, 3000)) });
  }
  blocks.push({ type: "context", elements: [mrkdwn(`Action #${action.id} · tenant ${escapeText(tenant.name)}`)] });

  const headline = escapeText(presentation.headline);
  const text = pending ? `Approval needed: ${headline}${quorum ? ` (${describeApprovals(action.approvals)})` : ""}` : `#${action.id} ${headline}: ${states.join("; ")}`;
  return { text: fit(text, 3000), blocks };
}
