import type { Db, DbTransaction, Notification } from "@leash/db";

import { systemClock, type Clock } from "../clock.ts";
import { CoreError } from "../errors.ts";
import { channelNotConfigured } from "./check-channel-configured.ts";
import type { EmailSender, EmailSent } from "./create-email-sender.ts";
import type { SlackPosted, SlackSender } from "./create-slack-sender.ts";
import { permanentFailure } from "./delivery-failure.ts";
import { deliveryReference } from "./delivery-reference.ts";
import { findRecipientUser } from "./find-recipient-user.ts";
import { insertDeliveredInApp, insertNotification, type NewNotification } from "./insert-notification.ts";
import { isNotificationChannel, type NotificationChannel } from "./notification-channels.ts";
import { resolveSlackDestination } from "./resolve-slack-destination.ts";

/** What the channel answered; in_app has nothing to answer: the row is the delivery. */
export type ChannelReceipt =
  | { channel: "email"; delivery: EmailSent }
  | { channel: "slack"; delivery: SlackPosted }
  | { channel: "in_app"; delivery: null };

/** A delivered notification, ready to be an action's result or a timeline event's details. */
export type DeliveredNotification = ChannelReceipt & { notificationId: number; recipient: string; userId: string | null; deliveredAt: string };

export interface NotificationDelivery {
  /** The channels this server delivers on (in_app always; email and Slack when configured). */
  readonly channels: readonly NotificationChannel[];
  /** The sender of this server's email (null without SMTP_URL), for mail that is no notification row: approval mail. */
  readonly email: EmailSender | null;
  /**
   * Delivers a notification row just written in the caller's transaction, and records on it whom
   * it reached and what the channel answered. Throws CoreError: `retryable` when a later attempt
   * may succeed, otherwise with the server's reason. The caller's transaction should roll back
   * either way, so that a row exists only for a delivered notification.
   */
  deliver(db: Db | DbTransaction, notification: Notification): Promise<DeliveredNotification>;
  /**
   * Writes a new notification in the caller's transaction and delivers it, as `deliver` does a row
   * written beforehand; an in_app one, whose row is its delivery, in one statement.
   */
  send(db: Db | DbTransaction, notification: NewNotification): Promise<DeliveredNotification>;
  /** Closes the email sender's pooled connections: the process that delivered calls it as it stops. */
  close(): void;
}

export interface NotificationDeliveryOptions {
  email?: EmailSender | undefined;
  slack?: SlackSender | undefined;
  clock?: Clock;
}

type Sent = { receipt: ChannelReceipt; userId: string | null };

/** Delivery on every channel this server has: email and Slack through their senders, in_app by the row itself. */
export function createNotificationDelivery({ email, slack, clock = systemClock }: NotificationDeliveryOptions): NotificationDelivery {
  const channels: NotificationChannel[] = [...(email ? (["email"] as const) : []), ...(slack ? (["slack"] as const) : []), "in_app"];

  const sendOn = async (db: Db | DbTransaction, notification: Notification, channel: NotificationChannel): Promise<Sent> => {
    const { tenantId, recipient, subject, message } = notification;
    const reference = deliveryReference(notification);
    switch (channel) {
      case "in_app": {
        const user = await findRecipientUser(db, { tenantId, recipient });
        if (!user) throw inAppRecipientNotFound(recipient);
        return { receipt: { channel, delivery: null }, userId: user.id };
      }
      case "email": {
        if (!email) throw channelNotConfigured(channel);
        // A Leash user may be named by id or email; the message goes to their address.
        const user = await findRecipientUser(db, { tenantId, recipient });
        const sent = await email.send({ to: user?.email ?? recipient, subject, text: message, reference });
        return { receipt: { channel, delivery: sent }, userId: user?.id ?? null };
      }
      case "slack": {
        if (!slack) throw channelNotConfigured(channel);
        const { to, userId } = await resolveSlackDestination(db, { tenantId, recipient, botTeamId: await slack.teamId() });
        const posted = await slack.post({ to, subject, message, reference });
        return { receipt: { channel, delivery: posted }, userId };
      }
    }
  };

  const deliver = async (db: Db | DbTransaction, notification: Notification): Promise<DeliveredNotification> => {
    if (!isNotificationChannel(notification.channel)) throw permanentFailure(`Unknown notification channel ${notification.channel}`);
    const { receipt, userId } = await sendOn(db, notification, notification.channel);
    const deliveredAt = clock.now();
    await db.notification.update({
      where: { id: notification.id },
      data: { userId, deliveredAt, ...(receipt.delivery ? { delivery: receipt.delivery } : {}) },
    });
    return { ...receipt, notificationId: notification.id, recipient: notification.recipient, userId, deliveredAt: deliveredAt.toISOString() };
  };

  return {
    channels,
    email: email ?? null,
    deliver,
    async send(db, notification) {
      if (notification.channel !== "in_app") return deliver(db, await insertNotification(db, notification));
      const delivered = await insertDeliveredInApp(db, notification, clock.now());
      if (!delivered?.deliveredAt) throw inAppRecipientNotFound(notification.recipient);
      return { channel: "in_app", delivery: null, notificationId: delivered.id, recipient: delivered.recipient, userId: delivered.userId, deliveredAt: delivered.deliveredAt.toISOString() };
    },
    close() {
      email?.close();
    },
  };
}

function inAppRecipientNotFound(recipient: string): CoreError {
  return new CoreError("NOT_FOUND", `in_app recipient ${recipient} is not a user of this tenant`);
}
