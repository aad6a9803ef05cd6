import { findActionType, type SlackCard } from "@leash/core";

import { escapeText } from "./format.ts";

/** What the rollback did, in the words of the action's type: `project restored`. */
function effectOf(card: SlackCard): string {
  const rollback = findActionType(card.action.actionType)?.rollback;
  return rollback?.reversible ? rollback.undone(card.action) : "undone";
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
