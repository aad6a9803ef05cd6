import { z } from "zod";

import { CoreError } from "../errors.ts";
import { readStored } from "../rollback/read-stored.ts";
import { showParameter, truncate } from "../presentation/present-values.ts";
import type { JsonValue } from "../actions/json.ts";
import { utcMinute } from "../utc-minute.ts";
import { defineActionType } from "./action-definition.ts";
import { findLiveItem } from "./item-store.ts";

/** Creates a reminder that fires at `dueAt` through a delayed job. */
export const scheduleParameters = z.strictObject({
  dueAt: z.iso.datetime({ offset: true }),
  message: z.string().trim().min(1).max(4000),
  recipient: z.string().trim().min(1).max(320).optional(),
});

const scheduled = z.object({ reminderId: z.int(), dueAt: z.string() });

/** A due time as people read it (`2026-12-01 09:00 UTC`); what is not a time is shown as it came. */
function when(value: JsonValue | undefined): string {
  const date = typeof value === "string" ? new Date(value) : null;
  return date && !Number.isNaN(date.getTime()) ? utcMinute(date) : showParameter(value);
}

export const scheduleAction = defineActionType({
  type: "schedule",
  target: "optional",
  parametersSchema: scheduleParameters,
  description: "Propose scheduling a reminder.",
  actsOutside: false,
  changesItem: false,
  prepare({ parameters, now }) {
    if (new Date(parameters.dueAt) <= now) throw new CoreError("INVALID", "dueAt must be in the future", { issues: [{ path: ["parameters", "dueAt"], message: "must be in the future" }] });
    return parameters;
  },
  present({ parameters, targetLabel }) {
    const details = [`When: ${when(parameters.dueAt)}`, `What: ${showParameter(parameters.message, 300)}`];
    if (typeof parameters.recipient === "string") details.push(`For: ${truncate(parameters.recipient, 80)}`);
    return { headline: `schedule a reminder${targetLabel ? ` on ${targetLabel}` : ""} for ${when(parameters.dueAt)}`, changes: [], details };
  },
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
  // A reminder can be cancelled until it fires; the undo also removes its delayed job.
  rollback: {
    reversible: true,
    laterChanges: "none",
    reversibility: (parameters) => ({
      reversible: true,
      until: typeof parameters.dueAt === "string" ? parameters.dueAt : null,
      explanation: "rollback cancels the reminder until it has fired",
    }),
    undoHeadline: ({ targetLabel }) => `cancel the reminder${targetLabel ? ` on ${targetLabel}` : ""}`,
    undone: () => "reminder cancelled",
    async refusal({ db, original }) {
      const { reminderId } = readStored(scheduled, original.result, `result of #${original.id}`);
      const reminder = await db.reminder.findFirst({ where: { id: reminderId, tenantId: original.tenantId } });
      if (!reminder) return "scheduled a reminder that no longer exists";
      if (reminder.status === "fired") {
        return `scheduled a reminder that already fired at ${reminder.firedAt ? utcMinute(reminder.firedAt) : "its due time"}; it cannot be recalled`;
      }
      return reminder.status === "cancelled" ? "scheduled a reminder that was already cancelled" : null;
    },
    preview({ original, item }) {
      const { reminderId, dueAt } = readStored(scheduled, original.result, `result of #${original.id}`);
      return {
        description: `cancels reminder #${reminderId} due ${when(dueAt)}`,
        changes: [{ field: "reminder", current: `scheduled for ${when(dueAt)}`, restored: "cancelled" }],
        itemAfter: item,
      };
    },
    async undo({ tx, tenantId, original, now }) {
      const { reminderId } = readStored(scheduled, original.result, `result of #${original.id}`);
      const { count } = await tx.reminder.updateMany({
        where: { id: reminderId, tenantId, status: "scheduled" },
        data: { status: "cancelled", cancelledAt: now },
      });
      if (count === 0) throw new CoreError("NOT_REVERSIBLE", `Reminder #${reminderId} already fired or was cancelled; it cannot be recalled`);
      return { result: { reminderId, cancelled: true }, effects: [{ kind: "cancel_reminder", reminderId }] };
    },
  },
});
