import type { CoreDeps } from "../deps.ts";
import { enqueueWebhookDelivery } from "./enqueue-webhook-delivery.ts";

/**
 * Enqueues an action's next pending delivery to an endpoint, now that the one before it is settled
 * (delivered or failed).
 */
export async function wakeNextWebhookDelivery(
  deps: Pick<CoreDeps, "db" | "queue" | "logger">,
  { endpointId, actionId, tenantId }: { endpointId: string; actionId: number; tenantId: string },
): Promise<void> {
  const next = await deps.db.webhookDelivery.findFirst({
    where: { endpointId, actionId, status: "pending" },
    orderBy: { eventId: "asc" },
    select: { id: true },
  });
  if (next) await enqueueWebhookDelivery(deps, { deliveryId: Number(next.id), tenantId });
}
