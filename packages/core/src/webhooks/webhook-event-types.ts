import { z } from "zod";

import type { ActionEventType, ActionStatus } from "@leash/db";

/**
 * What endpoints may subscribe to, and the audit events each one is made from. Other audit events
 * (queued, started, retried, reminders...) are the worker's bookkeeping and are not offered.
 */
export const webhookEventTypes = [
  "action.proposed",
  "action.approved",
  "action.rejected",
  "action.executed",
  "action.failed",
  "action.cancelled",
  "action.rolled_back",
  "action.expired",
  "action.approval_added",
] as const;
export const webhookEventTypeSchema = z.enum(webhookEventTypes);
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>;

/** The type of the message "Send a test event" sends; it is not subscribed to, every endpoint takes it. */
export const WEBHOOK_TEST_EVENT_TYPE = "webhook.test";

/**
 * The audit event behind each webhook event, and the status of the action it implies (the action
 * may have moved on by the time the event is sent; the payload says what this event meant).
 * `auto_approved` is sent as `action.approved` with `auto: true`. An expiry's status is null here:
 * it is followed in the same transaction by the rejection or auto-approval its policy's fallback
 * chose, and the dispatch reads which (see dispatch-webhook-deliveries.ts).
 */
export const webhookEventOf: Partial<Record<ActionEventType, { type: WebhookEventType; status: ActionStatus | null }>> = {
  proposed: { type: "action.proposed", status: "pending" },
  approved: { type: "action.approved", status: "approved" },
  auto_approved: { type: "action.approved", status: "approved" },
  rejected: { type: "action.rejected", status: "rejected" },
  executed: { type: "action.executed", status: "executed" },
  failed: { type: "action.failed", status: "failed" },
  cancelled: { type: "action.cancelled", status: "cancelled" },
  // The undone action stays executed (marked rolled back); so does an undo action.
  rolled_back: { type: "action.rolled_back", status: "executed" },
  expired: { type: "action.expired", status: null },
  approval_added: { type: "action.approval_added", status: "pending" },
};
