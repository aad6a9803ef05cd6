import type { CoreDeps } from "../deps.ts";
import { firstInLineSql } from "./first-in-line-sql.ts";

/**
 * Enqueues, of deliveries the sealer just made and committed, those first in line for their action
 * at their endpoint; the others are enqueued by the one before them once it is settled
 * (`wakeNextWebhookDelivery`). Asked after the sealer's commit, never inside it: a delivery settling
 * while the sealer's transaction was open saw nothing of the new one, and the sealer's snapshot
 * still showed it pending; read after both committed, one of the two always sees the other.
 */
export async function enqueueReadyWebhookDeliveries(
  deps: Pick<CoreDeps, "db" | "queue">,
  made: readonly { deliveryId: number; tenantId: string }[],
): Promise<number> {
  if (made.length === 0) return 0;
  const ready = await deps.db.$queryRaw<{ id: bigint; tenantId: string }[]>`
    SELECT d.id, d.tenant_id::text AS "tenantId" FROM webhook_delivery d
    WHERE d.id = ANY (${made.map((delivery) => BigInt(delivery.deliveryId))}::bigint[]) AND d.status = 'pending'
      AND ${firstInLineSql}
    ORDER BY d.id`;
  await deps.queue.enqueueWebhookDeliveries(ready.map((row) => ({ deliveryId: Number(row.id), tenantId: row.tenantId })));
  return ready.length;
}
