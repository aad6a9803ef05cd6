import type { SlackCard } from "@leash/core";

import { escapeText } from "./format.ts";

function effectOf(card: SlackCard): string {
  const kind = card.action.targetType ?? "item";
  switch (card.action.actionType) {
    case "create":
      return `${kind} removed`;
    case "update":
    case "delete":
      return `${kind} restored`;
    case "link":
      return "link removed";
    case "schedule":
      return "reminder cancelled";
    case "notify":
      return "undone";
  }
}

/** What the rollback did to the trust ramp: the sentence of the suspended auto-approval, if one was. */
function suspension(card: SlackCard): string {
  const details = card.action.timeline.findLast((event) => event.type === "auto_approval_suspended")?.details;
  const reason = typeof details === "object" && details !== null && !Array.isArray(details) ? details.reason : undefined;
  return typeof reason === "string" ? ` ${escapeText(reason)}` : "";
}

/** The sentence for the card's thread once a rollback has run, naming who undid what and how it went. */
export function rollbackReport(card: SlackCard): string | null {
  const { action, undoAction } = card;
  if (!undoAction) return null;
  const who = escapeText(undoAction.proposedBy.label);
  const what = `#${action.id} (undo action #${undoAction.id})`;
  if (action.rolledBackAt) return `${who} rolled back ${what}: ${effectOf(card)}.${suspension(card)}`;
  if (undoAction.status === "failed") return `${who} tried to roll back ${what}, but it failed: ${escapeText(undoAction.errorMessage ?? "unknown error")}`;
  return null;
}
