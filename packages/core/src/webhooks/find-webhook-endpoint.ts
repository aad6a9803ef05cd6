import type { Db, DbTransaction, WebhookEndpoint } from "@leash/db";

import { CoreError } from "../errors.ts";

/** The tenant's endpoint of that id; another tenant's is not found, as one that does not exist. */
export async function findWebhookEndpoint(db: Db | DbTransaction, { tenantId, endpointId }: { tenantId: string; endpointId: string }): Promise<WebhookEndpoint> {
  const row = await db.webhookEndpoint.findFirst({ where: { id: endpointId, tenantId } });
  if (!row) throw new CoreError("NOT_FOUND", `No webhook endpoint ${endpointId}`);
  return row;
}
