import type { Db } from "@leash/db";

import type { Clock } from "../clock.ts";

export type FireReminderOutcome =
  | { kind: "fired"; reminderId: number }
  | { kind: "not_due"; retryInMs: number }
  | { kind: "skipped"; reason: string };

/** Fires a due reminder once: a conditional update from `scheduled`, so a duplicate job does nothing. */
export async function fireReminder(
  deps: { db: Db; clock: Clock },
  { reminderId, tenantId }: { reminderId: number; tenantId: string },
): Promise<FireReminderOutcome> {
  const now = deps.clock.now();
  const { count } = await deps.db.reminder.updateMany({
    where: { id: reminderId, tenantId, status: "scheduled", dueAt: { lte: now } },
    data: { status: "fired", firedAt: now },
  });
  if (count === 1) return { kind: "fired", reminderId };
  const reminder = await deps.db.reminder.findFirst({ where: { id: reminderId, tenantId } });
  if (!reminder) return { kind: "skipped", reason: "reminder not found" };
  if (reminder.status === "scheduled") return { kind: "not_due", retryInMs: reminder.dueAt.getTime() - now.getTime() };
  return { kind: "skipped", reason: `reminder is ${reminder.status}` };
}
