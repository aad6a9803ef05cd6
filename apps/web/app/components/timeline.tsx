import { Link } from "react-router";

import type { ActionEventView } from "@leash/core";

import { DatedText, LocalTime } from "./local-time.tsx";


type Tone = "good" | "bad" | "info" | "neutral";

interface EventDetails {
  reason?: unknown;
  attempt?: unknown;
  error?: unknown;
  durationMs?: unknown;
  nextDelayMs?: unknown;
  rule?: unknown;
  undoActionId?: unknown;
  rollbackOf?: unknown;
  permanent?: unknown;
  cascade?: unknown;
  expiryFallback?: unknown;
  to?: unknown;
  days?: unknown;
  approvals?: unknown;
  required?: unknown;
  original?: unknown;
  edited?: unknown;
  deliveries?: unknown;
}

const asDetails = (details: ActionEventView["details"]): EventDetails =>
  details !== null && typeof details === "object" && !Array.isArray(details) ? details : {};

const text = (value: unknown) => (typeof value === "string" && value ? value : null);

const channelWords: Record<string, string> = { email: "by email", slack: "on Slack", in_app: "in the console" };

/** Where a fired reminder went, from its event's `deliveries`: "by email to grace@client.test". */
function deliveredTo(deliveries: unknown): string | null {
  if (!Array.isArray(deliveries) || deliveries.length === 0) return null;
  const places = deliveries.map((delivery: unknown) => {
    const { channel, recipient } = delivery !== null && typeof delivery === "object" ? (delivery as { channel?: unknown; recipient?: unknown }) : {};
    return `${channelWords[text(channel) ?? ""] ?? "somewhere"} to ${text(recipient) ?? "someone"}`;
  });
  return `Sent ${places.join("; ")}.`;
}
const num = (value: unknown) => (typeof value === "number" ? value : null);

function describe(event: ActionEventView): { title: string; tone: Tone; note: string | null; error: string | null; link: { to: string; label: string } | null } {
  const details = asDetails(event.details);
  const attempt = num(details.attempt);
  const error = text(details.error);
  const undo = num(details.undoActionId);
  const of = num(details.rollbackOf);
  const link = undo !== null ? { to: `/actions/${undo}`, label: `undo action #${undo}` } : of !== null ? { to: `/actions/${of}`, label: `rollback of #${of}` } : null;
  switch (event.type) {
    case "proposed":
      return { title: "Proposed", tone: "info", note: text(details.reason) ? `“${text(details.reason) ?? ""}”` : null, error: null, link: null };
    case "auto_approved": {
      const expiry = text(details.expiryFallback);
      const rule = text(details.rule);
      const note = expiry ? `By the policy's fallback: ${expiry}` : rule ? `By the preference “${rule}”` : null;
      return { title: "Approved automatically", tone: "good", note, error: null, link: null };
    }
    case "approved": {
      const required = num(details.required);
      return { title: "Approved", tone: "good", note: required !== null ? `Approval ${required} of ${required}: the quorum is reached.` : null, error: null, link: null };
    }
    case "approval_added":
      return { title: `Approval ${num(details.approvals) ?? "?"} of ${num(details.required) ?? "?"}`, tone: "info", note: "Still waiting for more approvers.", error: null, link: null };
    case "parameters_edited":
      return { title: "Parameters edited before approving", tone: "info", note: `Proposed: ${JSON.stringify(details.original ?? null)} · Edited to: ${JSON.stringify(details.edited ?? null)}`, error: null, link: null };
    case "returned_to_pending":
      return { title: "Returned to pending", tone: "bad", note: text(details.reason) ? `${text(details.reason) ?? ""}; decide again on the current data.` : null, error: null, link: null };
    case "rejected":
      return { title: "Rejected", tone: "bad", note: text(details.reason) ? `“${text(details.reason) ?? ""}”` : null, error: null, link: null };
    case "queued":
      return { title: "Queued again", tone: "neutral", note: text(details.reason), error: null, link: null };
    case "started":
      return { title: attempt !== null ? `Started (attempt ${attempt})` : "Started", tone: "neutral", note: null, error: null, link: null };
    case "retried": {
      const delay = num(details.nextDelayMs);
      return { title: `Attempt ${attempt ?? "?"} failed${delay !== null ? `, retrying in ${Math.max(1, Math.round(delay / 1000))} s` : ""}`, tone: "bad", note: null, error, link: null };
    }
    case "executed": {
      const duration = num(details.durationMs);
      return { title: "Executed", tone: "good", note: duration !== null ? `Took ${duration} ms${attempt !== null && attempt > 1 ? ` on attempt ${attempt}` : ""}` : null, error: null, link: null };
    }
    case "failed":
      return { title: attempt !== null ? `Failed after ${attempt === 1 ? "1 attempt" : `${attempt} attempts`}` : "Failed", tone: "bad", note: details.permanent === true ? "A retry could not fix this." : null, error, link: null };
    case "cancelled":
      return { title: "Cancelled", tone: "neutral", note: text(details.reason) ? `“${text(details.reason) ?? ""}”` : null, error: null, link: null };
    case "rollback_requested":
      return { title: details.cascade === true ? "Rollback requested (with later changes)" : "Rollback requested", tone: "info", note: text(details.reason), error: null, link };
    case "rolled_back":
      return { title: "Rolled back", tone: "good", note: null, error: null, link };
    case "reminder_sent":
      return { title: "Reminder sent", tone: "info", note: "Still waiting for a decision; the approval channel was reminded.", error: null, link: null };
    case "reminder_fired":
      return error
        ? { title: "Reminder not delivered", tone: "bad", note: "It came due, but no retry could deliver it.", error, link: null }
        : { title: "Reminder delivered", tone: "info", note: deliveredTo(details.deliveries), error: null, link: null };
    case "escalated":
      return { title: text(details.to) ? `Escalated to ${text(details.to) ?? ""}` : "Escalated", tone: "info", note: "The policy's backup approver was asked to decide.", error: null, link: null };
    case "expired":
      return { title: "Expired", tone: "bad", note: text(details.reason), error: null, link: null };
    case "auto_approval_granted": {
      const days = num(details.days);
      return { title: "Auto-approval granted", tone: "info", note: days !== null ? `Actions like this from this proposer run without a person for ${days === 1 ? "1 day" : `${days} days`}.` : null, error: null, link: null };
    }
    case "auto_approval_suspended":
      return { title: "Auto-approval suspended", tone: "bad", note: text(details.reason), error: null, link: null };
  }
}

/** Every event of an action, oldest first: who, what, when, attempts and errors. */
export function Timeline({ events }: { events: ActionEventView[] }) {
  return (
    <ol className="timeline" aria-label="Timeline">
      {events.map((event) => {
        const { title, tone, note, error, link } = describe(event);
        return (
          <li key={event.id} data-event={event.type}>
            <span className={`timeline-dot timeline-dot-${tone}`} aria-hidden="true" />
            <p className="timeline-title">{title}</p>
            <p className="timeline-meta">
              by <strong>{event.actor.label}</strong> · <LocalTime value={event.createdAt} />
            </p>
            {note ? (
              <p className="timeline-detail">
                <DatedText text={note} />
              </p>
            ) : null}
            {link ? (
              <p className="timeline-detail">
                <Link to={link.to}>{link.label}</Link>
              </p>
            ) : null}
            {error ? (
              <p className="timeline-error">
                <DatedText text={error} />
              </p>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}
