import { z } from "zod";

import { defineAction } from "../action-definition.ts";
import { findLiveItem } from "../items.ts";

/** Creates a reminder that fires at `dueAt` through a delayed job. */
export const scheduleParameters = z.strictObject({
  dueAt: z.iso.datetime({ offset: true }),
  message: z.string().trim().min(1).max(4000),
  recipient: z.string().trim().min(1).max(320).optional(),
});

export const scheduleAction = defineAction({
  type: "schedule",
  target: "optional",
  parametersSchema: scheduleParameters,
  async execute({ tx, tenantId, actionId, targetType, targetId, parameters }) {
    if (targetId !== null) await findLiveItem(tx, tenantId, targetType, targetId);
    const dueAt = new Date(parameters.dueAt);
    const reminder = await tx.reminder.create({
      data: {
        tenantId,
        actionId,
        itemId: targetId,
        recipient: parameters.recipient ?? null,
        message: parameters.message,
        dueAt,
      },
    });
    return {
      result: { reminderId: reminder.id, dueAt: dueAt.toISOString() },
      rollbackData: { reminderId: reminder.id },
      effects: [{ kind: "schedule_reminder", reminderId: reminder.id, tenantId, dueAt }],
    };
  },
});
