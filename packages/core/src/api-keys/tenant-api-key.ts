import type { ApiKey, DbTransaction } from "@leash/db";

import { CoreError } from "../errors.ts";

/** A key of the tenant by its public id; another tenant's answers like an unknown one (NOT_FOUND). */
export async function findTenantApiKey(tx: DbTransaction, tenantId: string, publicId: string): Promise<ApiKey> {
  const key = await tx.apiKey.findFirst({ where: { tenantId, publicId } });
  if (!key) throw new CoreError("NOT_FOUND", `No API key ${publicId} in this workspace`);
  return key;
}
