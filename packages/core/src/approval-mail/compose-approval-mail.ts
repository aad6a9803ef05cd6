import type { ActionView } from "../actions/action-view.ts";
import { describeDuration, describeExpiry } from "../deadlines/duration-wording.ts";
import type { ApprovalMailReference } from "../delivery/delivery-reference.ts";
import type { ActionPresentation } from "../presentation/action-presentation.ts";
import { truncate } from "../presentation/present-values.ts";

/** An action a mail tells about: as people read it, and since when it waits. */
export interface MailedAction {
  view: ActionView;
  presentation: ActionPresentation;
  waitingSince: Date;
}

export type ApprovalMailKind = ApprovalMailReference["approvalMail"];

export interface ApprovalMailContent {
  kind: ApprovalMailKind;
  actions: readonly MailedAction[];
  tenantName: string;
  /** The console's base URL; each action links to `<base>/actions/<id>`. */
  consoleUrl: string;
  now: Date;
}

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

const htmlEscapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (character) => htmlEscapes[character] ?? character);

/** A time as mail readers in any zone can place it; the console shows their local time. */
const utc = (date: Date) => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

const actionUrl = (consoleUrl: string, actionId: number) =>
  `${consoleUrl.replace(/\/+$/, "")}/actions/${actionId}`;

/** Headers hold one line: an agent's title with line breaks must not break the subject. */
const oneLine = (text: string) => truncate(text.replace(/\s+/g, " ").trim(), 150);

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** The lines that describe one action, the same in every kind of mail and in both bodies. */
function actionFacts(
  { view, presentation, waitingSince }: MailedAction,
  now: Date,
): { headline: string; lines: string[]; changes: string[]; details: string[] } {
  const lines = [
    `Proposed by ${view.proposedBy.label}; waiting ${describeDuration(now.getTime() - waitingSince.getTime())} (since ${utc(waitingSince)})`,
  ];
  if (view.reason) lines.push(`Reason: “${truncate(view.reason, 500)}”`);
  if (view.approvals.required > 1)
    lines.push(`${view.approvals.count} of ${view.approvals.required} approvals so far`);
  if (view.expiresAt)
    lines.push(`It ${describeExpiry(view.expiresAt, now)} (${utc(new Date(view.expiresAt))})`);
  const changes = presentation.changes.map(
    (change) => `${change.field}: ${change.before ?? "(none)"} -> ${change.after ?? "(removed)"}`,
  );
  return { headline: `#${view.id} ${presentation.headline}`, lines, changes, details: presentation.details };
}

function subjectOf({ kind, actions, tenantName }: ApprovalMailContent): string {
  const headline = actions[0]?.presentation.headline ?? "";
  switch (kind) {
    case "waiting":
      return oneLine(`Approval needed: ${headline}`);
    case "digest":
      return oneLine(
        `${plural(actions.length, "action waits", "actions wait")} for your decision in ${tenantName}`,
      );
    case "reminder":
      return oneLine(`Reminder: ${headline} still waits for a decision`);
    case "escalation":
      return oneLine(`Escalated to you: ${headline}`);
  }
}

function introOf({ kind, actions, tenantName }: ApprovalMailContent): string {
  switch (kind) {
    case "waiting":
      return `An action waits for your decision in ${tenantName}.`;
    case "digest":
      return `${plural(actions.length, "action", "actions")} started waiting for your decision in ${tenantName} since your last digest, and still ${actions.length === 1 ? "waits" : "wait"}:`;
    case "reminder":
      return `A reminder: this action still waits for a decision in ${tenantName}.`;
    case "escalation":
      return `This action was escalated to you as the backup approver in ${tenantName}: nobody decided it in time.`;
  }
}

function footerOf(kind: ApprovalMailKind): string {
  return kind === "escalation"
    ? "You get this mail because an approval policy names you as its backup approver."
    : "You get this mail because you turned on approval mail in the Leash console (Settings). Turn it off or change it there.";
}

/**
 * An approval mail, in plain text and short HTML: what waits (each action as the console and Slack
 * present it: headline, proposer, reason, changes, how long it waits) with a link to decide on it
 * in the console. Every text from agents is escaped in the HTML.
 */
export function composeApprovalMail(content: ApprovalMailContent): ComposedMail {
  const { actions, consoleUrl, now, kind } = content;
  const blocks = actions.map((action) => ({
    id: action.view.id,
    url: actionUrl(consoleUrl, action.view.id),
    ...actionFacts(action, now),
  }));
  const intro = introOf(content);
  const footer = footerOf(kind);

  const text = [
    intro,
    ...blocks.map(({ headline, lines, changes, details, url }) =>
      [
        headline,
        ...lines,
        ...(changes.length ? ["Changes:", ...changes.map((change) => `  - ${change}`)] : []),
        ...details,
        `Decide in the console: ${url}`,
      ].join("\n"),
    ),
    `-- \n${footer}`,
  ].join("\n\n");

  const html = [
    "<!doctype html><html><body>",
    `<p>${escapeHtml(intro)}</p>`,
    ...blocks.map(({ id, headline, lines, changes, details, url }) =>
      [
        `<p><strong>${escapeHtml(headline)}</strong><br>${lines.map(escapeHtml).join("<br>")}</p>`,
        changes.length
          ? `<ul>${changes.map((change) => `<li>${escapeHtml(change)}</li>`).join("")}</ul>`
          : "",
        details.length ? `<p>${details.map(escapeHtml).join("<br>")}</p>` : "",
        `<p><a href="${escapeHtml(url)}">Decide on #${id} in the console</a></p>`,
      ].join(""),
    ),
    `<p style="color:#666;font-size:small">${escapeHtml(footer)}</p>`,
    "</body></html>",
  ].join("");

  return { subject: subjectOf(content), text, html };
}
