import type { Db, DbTransaction, Reminder } from "@leash/db";

import { systemActor } from "../actor.ts";
import { recordEvent } from "../actions/record-event.ts";
import type { Clock } from "../clock.ts";
import type { DeliveredNotification, NotificationDelivery } from "../delivery/create-notification-delivery.ts";
import { isCoreError } from "../errors.ts";
import { reminderDestinations } from "./reminder-destinations.ts";

export type FireReminderOutcome =
  | { kind: "fired"; reminderId: number; deliveries: DeliveredNotification[] }
  | { kind: "undelivered"; reminderId: number; error: string }
  | { kind: "not_due"; retryInMs: number }
  | { kind: "skipped"; reason: string };

export interface FireReminderDeps {
  db: Db;
  clock: Clock;
  delivery: NotificationDelivery;
}

const REMINDER_SUBJECT = "Reminder";
const actorOf = (tenantId: string) => systemActor(tenantId, "reminders");

/**
 * Fires a due reminder once and delivers it (see reminderDestinations for where). The reminder
 * leaves `scheduled` by a conditional update in the transaction that also delivers it, records the
 * notifications and the `reminder_fired` event: a duplicate job waits on that row and then does
 * nothing, and a transient delivery failure rolls everything back and throws, so the job retries
 * (the reconciler re-enqueues a still scheduled reminder whose job gave up). A permanent failure
 * fires the reminder undelivered, with the server's reason in its action's timeline.
 */
export async function fireReminder(deps: FireReminderDeps, { reminderId, tenantId }: { reminderId: number; tenantId: string }): Promise<FireReminderOutcome> {
  const now = deps.clock.now();
  try {
    return await deps.db.$transaction(
      async (tx) => {
        const fired = await markFired(tx, { reminderId, tenantId, now });
        if (!fired) return whyNotFired(tx, { reminderId, tenantId, now });
        const deliveries: DeliveredNotification[] = [];
        for (const destination of await reminderDestinations(tx, { reminder: fired, channels: deps.delivery.channels })) {
          const notification = await tx.notification.create({
            data: { tenantId, actionId: fired.actionId, itemId: fired.itemId, ...destination, subject: REMINDER_SUBJECT, message: fired.message },
          });
          deliveries.push(await deps.delivery.deliver(tx, notification));
        }
        if (fired.actionId !== null) {
          await recordEvent(tx, { tenantId, actionId: fired.actionId, type: "reminder_fired", actor: actorOf(tenantId), details: { reminderId, deliveries } });
        }
        return { kind: "fired", reminderId, deliveries };
      },
      // Delivery talks to mail and chat servers inside the transaction; their own timeouts end well before this.
      { maxWait: 10_000, timeout: 60_000 },
    );
  } catch (error) {
    if (!isCoreError(error) || error.retryable) throw error;
    return recordUndelivered(deps.db, { reminderId, tenantId, now, error: error.message });
  }
}

/** Takes the reminder from `scheduled` to `fired` if it is due; null when it is not (or no longer) to fire. */
async function markFired(tx: DbTransaction, { reminderId, tenantId, now }: { reminderId: number; tenantId: string; now: Date }): Promise<Reminder | null> {
  const { count } = await tx.reminder.updateMany({
    where: { id: reminderId, tenantId, status: "scheduled", dueAt: { lte: now } },
    data: { status: "fired", firedAt: now },
  });
  return count === 1 ? tx.reminder.findFirst({ where: { id: reminderId, tenantId } }) : null;
}

async function whyNotFired(tx: DbTransaction, { reminderId, tenantId, now }: { reminderId: number; tenantId: string; now: Date }): Promise<FireReminderOutcome> {
  const reminder = await tx.reminder.findFirst({ where: { id: reminderId, tenantId } });
  if (!reminder) return { kind: "skipped", reason: "reminder not found" };
  if (reminder.status === "scheduled") return { kind: "not_due", retryInMs: reminder.dueAt.getTime() - now.getTime() };
  return { kind: "skipped", reason: `reminder is ${reminder.status}` };
}

/** A delivery no retry can make: the reminder has fired all the same, and its action's timeline says why nobody got it. */
async function recordUndelivered(db: Db, { reminderId, tenantId, now, error }: { reminderId: number; tenantId: string; now: Date; error: string }): Promise<FireReminderOutcome> {
  return db.$transaction(async (tx) => {
    const fired = await markFired(tx, { reminderId, tenantId, now });
    if (!fired) return whyNotFired(tx, { reminderId, tenantId, now });
    if (fired.actionId !== null) {
      await recordEvent(tx, { tenantId, actionId: fired.actionId, type: "reminder_fired", actor: actorOf(tenantId), details: { reminderId, deliveries: [], error } });
    }
    return { kind: "undelivered", reminderId, error };
  });
}
