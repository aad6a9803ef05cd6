import type { Actor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import { listWebhookEndpoints } from "./list-webhook-endpoints.ts";
import type { WebhookEndpointDetail } from "./webhook-view.ts";

/**
 * The tenant's webhook endpoints with how many deliveries wait to be sent to each (admins), as the
 * console lists them: one count for all of them rather than one per endpoint.
 */
export async function listWebhookEndpointDetails(
  deps: Pick<CoreDeps, "db" | "clock">,
  { actor }: { actor: Actor },
): Promise<WebhookEndpointDetail[]> {
  const endpoints = await listWebhookEndpoints(deps, { actor });
  if (endpoints.length === 0) return [];
  const counts = await deps.db.webhookDelivery.groupBy({
    by: ["endpointId"],
    where: { endpointId: { in: endpoints.map((endpoint) => endpoint.id) }, status: "pending" },
    _count: { _all: true },
  });
  const pending = new Map(counts.map((count) => [count.endpointId, count._count._all]));
  return endpoints.map((endpoint) => ({ ...endpoint, pendingDeliveries: pending.get(endpoint.id) ?? 0 }));
}
