import { z } from "zod";

import type { Db, DbTransaction } from "@leash/db";

const uuid = z.uuid();

/** The tenant's user a recipient names, by id or by email (stored lower-case); null when it names none. */
export async function findRecipientUser(
  db: Db | DbTransaction,
  { tenantId, recipient }: { tenantId: string; recipient: string },
): Promise<{ id: string; email: string } | null> {
  const where = uuid.safeParse(recipient).success ? { tenantId, id: recipient } : { tenantId, email: recipient.trim().toLowerCase() };
  return db.user.findFirst({ where, select: { id: true, email: true } });
}
