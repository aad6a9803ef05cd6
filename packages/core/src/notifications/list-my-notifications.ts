import type { Actor } from "../actor.ts";
import type { BoundedCount } from "../bounded-count.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { countUnreadNotifications } from "./count-unread-notifications.ts";
import { myNotificationsWhere, toNotificationView } from "./my-notifications.ts";
import { listMyNotificationsInputSchema, type ListMyNotificationsInput, type NotificationView } from "./notification-inputs.ts";

/** The signed-in person's in-app notifications, newest first, and how many of all of them are unread (up to a cap). */
export async function listMyNotifications(
  deps: Pick<CoreDeps, "db">,
  { actor, input = {} }: { actor: Actor; input?: ListMyNotificationsInput },
): Promise<{ notifications: NotificationView[]; unread: BoundedCount }> {
  const where = myNotificationsWhere(actor);
  const { limit } = parseInput(listMyNotificationsInputSchema, input, "notification list");
  const [rows, unread] = await Promise.all([
    deps.db.notification.findMany({ where, orderBy: { id: "desc" }, take: limit }),
    countUnreadNotifications(deps, { actor }),
  ]);
  return { notifications: rows.map(toNotificationView), unread };
}
