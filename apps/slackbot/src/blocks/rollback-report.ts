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

/** The sentence for the card's thread once a rollback has run, naming who undid what and how it went. */
export function rollbackReport(card: SlackCard): string | null {
  const { action, undoAction } = card;
  if (!undoAction) return null;
  const who = escapeText(undoAction.proposedBy.label);
  const what = `#${action.id} (undo action #${undoAction.id})`;
  if (action.rolledBackAt) return `${who} rolled back ${what}: ${effectOf(card)}.`;
  if (undoAction.status === "failed") return `${who} tried to roll back ${what}, but it failed: ${escapeText(undoAction.errorMessage ?? "unknown error")}`;
  return null;
}
