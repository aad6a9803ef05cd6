import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { enqueueWebhookDelivery } from "./enqueue-webhook-delivery.ts";
import { webhookDeliveryRefInputSchema, type WebhookDeliveryRefInput } from "./webhook-inputs.ts";
import { toWebhookDeliveryView, WEBHOOK_ATTEMPTS_SHOWN, type WebhookDeliveryView } from "./webhook-view.ts";

/**
 * "Send again" (admins): a delivered or failed delivery becomes pending again, on a fresh retry
 * schedule, and is sent at once with the same body and the same `webhook-id` (receivers that
 * already have it can drop it). Its endpoint must be enabled.
 */
export async function redeliverWebhook(
  deps: Pick<CoreDeps, "db" | "queue" | "clock" | "logger">,
  { actor, input }: { actor: Actor; input: WebhookDeliveryRefInput },
): Promise<WebhookDeliveryView> {
  assertCan(actor, "webhook.manage");
  const { deliveryId } = parseInput(webhookDeliveryRefInputSchema, input, "delivery reference");
  const id = BigInt(deliveryId);
  const where = { id, tenantId: actor.tenantId };
  const { count } = await deps.db.webhookDelivery.updateMany({
    where: { ...where, status: { in: ["delivered", "failed"] }, endpoint: { enabled: true } },
    data: { status: "pending", attempts: 0, nextAttemptAt: deps.clock.now(), deliveredAt: null },
  });
  const row = await deps.db.webhookDelivery.findFirst({ where, include: { endpoint: { select: { enabled: true } }, attemptLog: { orderBy: { id: "desc" }, take: WEBHOOK_ATTEMPTS_SHOWN } } });
  if (!row) throw new CoreError("NOT_FOUND", `No webhook delivery ${deliveryId}`);
  if (count === 0) {
    if (!row.endpoint.enabled) throw new CoreError("CONFLICT", `Delivery ${deliveryId}'s endpoint is disabled: enable it first`);
    throw new CoreError("CONFLICT", `Delivery ${deliveryId} is already pending: it is sent on its schedule`);
  }
  await enqueueWebhookDelivery(deps, { deliveryId, tenantId: actor.tenantId });
  deps.logger.info({ tenantId: actor.tenantId, deliveryId, by: actor.label }, "webhook delivery sent again");
  return toWebhookDeliveryView(row);
}
