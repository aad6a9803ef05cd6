import type { Actor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { myNotificationsWhere, toNotificationView } from "./my-notifications.ts";
import { listMyNotificationsInputSchema, type ListMyNotificationsInput, type NotificationView } from "./notification-inputs.ts";

/** The signed-in person's in-app notifications, newest first, and how many of all of them are unread. */
export async function listMyNotifications(
  deps: Pick<CoreDeps, "db">,
  { actor, input = {} }: { actor: Actor; input?: ListMyNotificationsInput },
): Promise<{ notifications: NotificationView[]; unread: number }> {
  const where = myNotificationsWhere(actor);
  const { limit } = parseInput(listMyNotificationsInputSchema, input, "notification list");
  const [rows, unread] = await Promise.all([
    deps.db.notification.findMany({ where, orderBy: { id: "desc" }, take: limit }),
    deps.db.notification.count({ where: { ...where, readAt: null } }),
  ]);
  return { notifications: rows.map(toNotificationView), unread };
}
