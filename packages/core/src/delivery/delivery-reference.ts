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

/** The reference as one token, e.g. `action-42`: the local part of an email's Message-ID. */
export function referenceToken(reference: DeliveryReference): string {
  return "actionId" in reference ? `action-${reference.actionId}` : `notification-${reference.notificationId}`;
}
