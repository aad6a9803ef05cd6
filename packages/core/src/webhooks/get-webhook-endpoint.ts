import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { findWebhookEndpoint } from "./find-webhook-endpoint.ts";
import { webhookEndpointRefInputSchema, type WebhookEndpointRefInput } from "./webhook-inputs.ts";
import { toWebhookEndpointView, type WebhookEndpointDetail } from "./webhook-view.ts";

/** One endpoint of the tenant (admins), with how many deliveries still wait to be sent to it. */
export async function getWebhookEndpoint(
  deps: Pick<CoreDeps, "db" | "clock">,
  { actor, input }: { actor: Actor; input: WebhookEndpointRefInput },
): Promise<WebhookEndpointDetail> {
  assertCan(actor, "webhook.manage");
  const { endpointId } = parseInput(webhookEndpointRefInputSchema, input, "webhook endpoint reference");
  const row = await findWebhookEndpoint(deps.db, { tenantId: actor.tenantId, endpointId });
  const pendingDeliveries = await deps.db.webhookDelivery.count({ where: { endpointId, status: "pending" } });
  return { ...toWebhookEndpointView(row, deps.clock.now()), pendingDeliveries };
}
