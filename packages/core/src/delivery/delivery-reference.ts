import { createHash } from "node:crypto";

import type { Notification } from "@leash/db";

/**
 * What identifies a message across the attempts that may send it: the action's id, stable over
 * retries (each attempt writes a new notification row, since a failed attempt rolls its row back).
 * A notification of no action (none is written today) falls back on its own id.
 */
export type DeliveryReference = { actionId: number } | { notificationId: number };

export function deliveryReference(notification: Pick<Notification, "id" | "actionId">): DeliveryReference {
  return notification.actionId !== null ? { actionId: notification.actionId } : { notificationId: notification.id };
}

/** One wait of an action for a person's decision: from its proposal, or from its latest return to pending. */
export interface MailedWait {
  actionId: number;
  waitingSince: Date;
}

/**
 * What identifies an approval mail: its kind, the person, and the waits it tells about. A mail sent
 * again after a crash tells the same and carries the same Message-ID; a new wait of the same action
 * (after a return to pending) is a new message.
 */
export type ApprovalMailReference = { approvalMail: "waiting" | "digest" | "reminder" | "escalation"; userId: string; waits: readonly MailedWait[] };

/** Whatever an email's Message-ID is derived from. */
export type EmailReference = DeliveryReference | ApprovalMailReference;

const waitToken = (wait: MailedWait) => `action-${wait.actionId}-${wait.waitingSince.getTime().toString(36)}`;

/**
 * The reference as one token, e.g. `action-42`: the local part of an email's Message-ID. A digest's
 * waits are hashed, so that the token stays short however many it lists.
 */
export function referenceToken(reference: EmailReference): string {
  if ("approvalMail" in reference) {
    const [only, ...more] = reference.waits;
    const waits = only && more.length === 0 ? waitToken(only) : createHash("sha256").update(reference.waits.map(waitToken).sort().join(",")).digest("hex").slice(0, 24);
    return `${reference.approvalMail}-${reference.userId}-${waits}`;
  }
  return "actionId" in reference ? `action-${reference.actionId}` : `notification-${reference.notificationId}`;
}
