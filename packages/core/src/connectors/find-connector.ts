import type { Db } from "@leash/db";

import { toStoredConnector, type StoredConnector } from "./stored-connector.ts";

/** The tenant's connector of that name, secrets still encrypted, or null; for the `http` action type. */
export async function findConnector(db: Pick<Db, "connector">, tenantId: string, name: string): Promise<StoredConnector | null> {
  const row = await db.connector.findUnique({ where: { tenantId_name: { tenantId, name } } });
  return row ? toStoredConnector(row) : null;
}
