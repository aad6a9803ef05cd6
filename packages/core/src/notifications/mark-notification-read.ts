import type { Actor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { myNotificationsWhere, toNotificationView } from "./my-notifications.ts";
import { markNotificationReadInputSchema, type MarkNotificationReadInput, type NotificationView } from "./notification-inputs.ts";

/**
 * Marks one of the signed-in person's notifications read; marking it again keeps the first time.
 * Anyone else's notification, in this tenant or another, is NOT_FOUND: its existence is not theirs to learn.
 */
export async function markNotificationRead(
  deps: Pick<CoreDeps, "db" | "clock">,
  { actor, input }: { actor: Actor; input: MarkNotificationReadInput },
): Promise<NotificationView> {
  const where = { ...myNotificationsWhere(actor), id: parseInput(markNotificationReadInputSchema, input, "notification").notificationId };
  await deps.db.notification.updateMany({ where: { ...where, readAt: null }, data: { readAt: deps.clock.now() } });
  const row = await deps.db.notification.findFirst({ where });
  if (!row) throw new CoreError("NOT_FOUND", `Notification #${where.id} not found`);
  return toNotificationView(row);
}
