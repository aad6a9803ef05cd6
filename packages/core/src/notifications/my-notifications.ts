import type { Notification, Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { CoreError } from "../errors.ts";
import type { NotificationView } from "./notification-inputs.ts";

/**
 * The rows an actor may see as "my notifications": the in_app ones delivered to them in their own
 * tenant. Only a person has them; an API key has no console to show them in.
 */
export function myNotificationsWhere(actor: Actor): Prisma.NotificationWhereInput & { userId: string } {
  if (actor.kind !== "user") throw new CoreError("FORBIDDEN", `${actor.label} has no notifications: only a signed-in person does`);
  return { tenantId: actor.tenantId, userId: actor.userId, channel: "in_app" };
}

export function toNotificationView(row: Pick<Notification, "id" | "actionId" | "subject" | "message" | "createdAt" | "readAt">): NotificationView {
  return {
    id: row.id,
    actionId: row.actionId,
    subject: row.subject,
    message: row.message,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
  };
}
