import type { ActionEventView, ActionView } from "@leash/core";

import { escapeText, fit, plural, slackTime } from "./format.ts";

type ActionWithTimeline = ActionView & { timeline: ActionEventView[] };

const lastEvent = (action: ActionWithTimeline, type: ActionEventView["type"]) => action.timeline.findLast((event) => event.type === type);

const when = (iso: string | null) => (iso ? slackTime(iso) : "");

const quoted = (text: string) => `“${escapeText(fit(text, 300))}”`;

function durationOf(action: ActionWithTimeline): string {
  const details = lastEvent(action, "executed")?.details;
  const ms = typeof details === "object" && details !== null && !Array.isArray(details) ? details.durationMs : undefined;
  return typeof ms === "number" ? ` (${ms} ms)` : "";
}

function progress(action: ActionWithTimeline): string {
  switch (action.status) {
    case "approved":
      return action.attempts > 0 && action.errorMessage
        ? `Retrying after attempt ${action.attempts} of ${action.maxAttempts} failed: ${escapeText(fit(action.errorMessage, 300))}`
        : "Executing…";
    case "executing":
      return action.attempts > 1 ? `Executing… (attempt ${action.attempts} of ${action.maxAttempts})` : "Executing…";
    case "executed":
      return `Executed ${when(action.executedAt)}${durationOf(action)}`;
    case "failed":
      return `Failed after ${plural(action.attempts, "attempt")}: ${escapeText(fit(action.errorMessage ?? "unknown error", 500))}`;
    default:
      return "";
  }
}

/** How the last rollback went; `undo` is the live or executed undo, else the last one asked for (see loadSlackCard). */
function rollbackLine(action: ActionWithTimeline, undo: ActionWithTimeline | null): string | null {
  if (!undo) return null;
  const by = escapeText(undo.proposedBy.label);
  const undoRef = `undo action #${undo.id}`;
  if (action.rolledBackAt) return `Rolled back by ${by} · ${when(action.rolledBackAt)} (${undoRef})`;
  if (undo.status === "failed") return `Rollback by ${by} failed: ${escapeText(fit(undo.errorMessage ?? "unknown error", 500))} (${undoRef})`;
  if (["rejected", "cancelled"].includes(undo.status)) return `Rollback by ${by} was ${undo.status} (${undoRef})`;
  return `Rolling back… requested by ${by} (${undoRef})`;
}

/** Where the action stands, in the words of the card: who decided and when, and what came of it. */
export function actionStateLines(action: ActionWithTimeline, undo: ActionWithTimeline | null): string[] {
  switch (action.status) {
    case "pending":
      return ["Waiting for a decision"];
    case "rejected":
      return [`Rejected by ${escapeText(action.decidedBy ?? "someone")} · ${when(action.rejectedAt)} · ${quoted(action.rejectionReason ?? "")}`];
    case "cancelled": {
      const cancelled = lastEvent(action, "cancelled");
      const reason = cancelled?.details && typeof cancelled.details === "object" && !Array.isArray(cancelled.details) ? cancelled.details.reason : undefined;
      return [`Cancelled by ${escapeText(cancelled?.actor.label ?? "someone")} · ${when(action.cancelledAt)}${typeof reason === "string" ? ` · ${quoted(reason)}` : ""}`];
    }
    default: {
      const approved = `Approved by ${escapeText(action.decidedBy ?? "someone")} · ${when(action.approvedAt)} · ${progress(action)}`;
      const rollback = rollbackLine(action, undo);
      return rollback ? [approved, rollback] : [approved];
    }
  }
}
