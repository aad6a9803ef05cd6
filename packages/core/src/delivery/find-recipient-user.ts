import { z } from "zod";

import { Prisma, sqlFor, type Db, type DbTransaction } from "@leash/db";

const uuid = z.uuid();

/**
 * The condition on `app_user u` that picks the tenant's user a recipient names: by id, or by email
 * (stored lower-case). One rule for the lookup below and for the in_app notification written with
 * its recipient in one statement (`insertDeliveredInApp`).
 */
export function recipientUserCondition({ tenantId, recipient }: { tenantId: string; recipient: string }): Prisma.Sql {
  return uuid.safeParse(recipient).success
    ? Prisma.sql`u.tenant_id = ${tenantId}::uuid AND u.id = ${recipient}::uuid`
    : Prisma.sql`u.tenant_id = ${tenantId}::uuid AND u.email = ${recipient.trim().toLowerCase()}`;
}

/**
 * The tenant's user a recipient names, by id or by email; null when it names none. SQL rather than
 * the model API: it runs on the proposal and execution paths of every in_app notification.
 */
export async function findRecipientUser(
  db: Db | DbTransaction,
  recipient: { tenantId: string; recipient: string },
): Promise<{ id: string; email: string } | null> {
  const [user] = await sqlFor(db).query<{ id: string; email: string }>(Prisma.sql`
    SELECT u.id::text AS id, u.email FROM app_user u WHERE ${recipientUserCondition(recipient)} LIMIT 1`);
  return user ?? null;
}
