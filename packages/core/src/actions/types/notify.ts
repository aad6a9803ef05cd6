import { z } from "zod";

import { defineAction } from "../action-definition.ts";
import { findLiveItem } from "../items.ts";

/** Records a notification for delivery; a sent message cannot be recalled, so notify is not reversible. */
export const notifyParameters = z.strictObject({
  channel: z.enum(["email", "slack", "in_app"]),
  recipient: z.string().trim().min(1).max(320),
  subject: z.string().trim().min(1).max(300).optional(),
  message: z.string().trim().min(1).max(4000),
});

export const notifyAction = defineAction({
  type: "notify",
  target: "optional",
  parametersSchema: notifyParameters,
  async execute({ tx, tenantId, actionId, targetType, targetId, parameters }) {
    if (targetId !== null) await findLiveItem(tx, tenantId, targetType, targetId);
    const notification = await tx.notification.create({
      data: {
        tenantId,
        actionId,
        itemId: targetId,
        channel: parameters.channel,
        recipient: parameters.recipient,
        subject: parameters.subject ?? null,
        message: parameters.message,
      },
    });
    return { result: { notificationId: notification.id, channel: notification.channel }, rollbackData: null };
  },
  rollback: { reversible: false, reason: "sent a notification; a sent message cannot be recalled" },
});
