import { z } from "zod";

import { checkChannelConfigured } from "../delivery/check-channel-configured.ts";
import { createNotificationDelivery } from "../delivery/create-notification-delivery.ts";
import { findRecipientUser } from "../delivery/find-recipient-user.ts";
import { CoreError } from "../errors.ts";
import { showParameter, truncate } from "../presentation/present-values.ts";
import { defineActionType } from "./action-definition.ts";
import { findLiveItem } from "./item-store.ts";

/** Sends a message by email, Slack or in the console; a sent message cannot be recalled, so notify is not reversible. */
export const notifyParameters = z.strictObject({
  channel: z.enum(["email", "slack", "in_app"]),
  recipient: z.string().trim().min(1).max(320),
  subject: z.string().trim().min(1).max(300).optional(),
  message: z.string().trim().min(1).max(4000),
});

export const notifyAction = defineActionType({
  type: "notify",
  target: "optional",
  parametersSchema: notifyParameters,
  description:
    "Propose sending a message to a recipient: by email (an address, or a Leash user), on Slack (a channel id, a Slack user id, or a Leash user with a linked Slack account) or in the Leash console (a Leash user). Delivered once approved, at least once, with the action id as its reference.",
  changesItem: false,
  actsOutside: true,
  // An in_app notification is its row: nothing leaves the database.
  actsOutsideWith: (parameters) => parameters.channel !== "in_app",
  async prepare({ db, tenantId, parameters, services }) {
    // A channel this server cannot deliver on is refused now, never accepted to be dropped later.
    checkChannelConfigured(services.delivery?.channels ?? ["in_app"], parameters.channel);
    if (parameters.channel === "in_app" && !(await findRecipientUser(db, { tenantId, recipient: parameters.recipient }))) {
      throw new CoreError("NOT_FOUND", `in_app recipient ${parameters.recipient} is not a user of this tenant`, {
        issues: [{ path: ["parameters", "recipient"], message: "not a user of this tenant (give their email or id)" }],
      });
    }
    return parameters;
  },
  present({ parameters }) {
    const details = typeof parameters.subject === "string" ? [`Subject: ${truncate(parameters.subject)}`] : [];
    details.push(`Message: ${showParameter(parameters.message, 300)}`);
    return { headline: `notify ${showParameter(parameters.recipient, 60)} by ${showParameter(parameters.channel).replace("_", "-")}`, changes: [], details };
  },
  async execute({ tx, tenantId, actionId, targetType, targetId, parameters, services }) {
    if (targetId !== null) await findLiveItem(tx, tenantId, targetType, targetId);
    // Inside the execution transaction: a failed delivery rolls the row back and the action's retries take over.
    const sent = await (services.delivery ?? createNotificationDelivery({})).send(tx, {
      tenantId,
      actionId,
      itemId: targetId,
      channel: parameters.channel,
      recipient: parameters.recipient,
      subject: parameters.subject ?? null,
      message: parameters.message,
    });
    return {
      result: { notificationId: sent.notificationId, channel: sent.channel, recipient: sent.recipient, userId: sent.userId, deliveredAt: sent.deliveredAt, delivery: sent.delivery },
      rollbackData: null,
    };
  },
  rollback: { reversible: false, reason: "sent a notification; a sent message cannot be recalled", explanation: "a sent message cannot be recalled" },
});

