import { Prisma, sqlFor, type Db, type DbTransaction, type Notification } from "@leash/db";

import { recipientUserCondition } from "./find-recipient-user.ts";

/** A notification to write and deliver: what its sender says, before any channel has answered. */
export type NewNotification = Pick<Notification, "tenantId" | "actionId" | "itemId" | "channel" | "recipient" | "subject" | "message">;

const notificationColumns = Prisma.sql`id, tenant_id AS "tenantId", action_id AS "actionId", item_id AS "itemId", channel, recipient, user_id AS "userId",
  subject, message, delivery, delivered_at AS "deliveredAt", read_at AS "readAt", created_at AS "createdAt"`;

/**
 * Writes a notification row as the model API's create would, in SQL: it runs in the execution
 * transaction of every notify action (test/item-store.int.test.ts compares the rows).
 */
export async function insertNotification(db: Db | DbTransaction, row: NewNotification): Promise<Notification> {
  const [notification] = await sqlFor(db).query<Notification>(Prisma.sql`
    INSERT INTO notification (tenant_id, action_id, item_id, channel, recipient, subject, message)
    VALUES (${row.tenantId}::uuid, ${row.actionId}::int, ${row.itemId}::int, ${row.channel}, ${row.recipient}, ${row.subject}::text, ${row.message})
    RETURNING ${notificationColumns}`);
  if (!notification) throw new Error("inserting a notification answered no row");
  return notification;
}

/**
 * Writes an in_app notification already delivered to the user its recipient names: the row is the
 * delivery, so finding the user, writing the row and stamping it delivered is one statement, where
 * insert, lookup and update were three. Null when the recipient names no user of the tenant (nothing written).
 */
export async function insertDeliveredInApp(db: Db | DbTransaction, row: NewNotification, deliveredAt: Date): Promise<Notification | null> {
  const [notification] = await sqlFor(db).query<Notification>(Prisma.sql`
    INSERT INTO notification (tenant_id, action_id, item_id, channel, recipient, user_id, subject, message, delivered_at)
    SELECT ${row.tenantId}::uuid, ${row.actionId}::int, ${row.itemId}::int, 'in_app', ${row.recipient}, u.id, ${row.subject}::text, ${row.message}, ${deliveredAt}::timestamptz
    FROM app_user u WHERE ${recipientUserCondition(row)}
    LIMIT 1
    RETURNING ${notificationColumns}`);
  return notification ?? null;
}
