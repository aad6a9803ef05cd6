import type { Actor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import { myNotificationsWhere } from "./my-notifications.ts";

/** How many in-app notifications the signed-in person has not read: the console's bell on every page. */
export async function countUnreadNotifications(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<number> {
  return deps.db.notification.count({ where: { ...myNotificationsWhere(actor), readAt: null } });
}
