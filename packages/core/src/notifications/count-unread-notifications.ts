import type { Actor } from "../actor.ts";
import { boundedCount, COUNT_CAP, type BoundedCount } from "../bounded-count.ts";
import type { CoreDeps } from "../deps.ts";
import { myNotificationsWhere } from "./my-notifications.ts";

/**
 * How many in-app notifications the signed-in person has not read, up to COUNT_CAP: the console's
 * bell asks on every page and every few seconds, so it reads at most that many entries of the
 * index of unread notifications.
 */
export async function countUnreadNotifications(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<BoundedCount> {
  return boundedCount(await deps.db.notification.count({ where: { ...myNotificationsWhere(actor), readAt: null }, take: COUNT_CAP }));
}
