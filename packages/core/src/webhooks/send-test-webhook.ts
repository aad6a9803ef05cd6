import { randomUUID } from "node:crypto";

import { Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { enqueueWebhookDelivery } from "./enqueue-webhook-delivery.ts";
import { findWebhookEndpoint } from "./find-webhook-endpoint.ts";
import { WEBHOOK_TEST_EVENT_TYPE } from "./webhook-event-types.ts";
import { webhookEndpointRefInputSchema, type WebhookEndpointRefInput } from "./webhook-inputs.ts";
import { toWebhookDeliveryView, type WebhookDeliveryView } from "./webhook-view.ts";

/**
 * "Send a test event" (admins): a `webhook.test` delivery to the endpoint, with an id of its own
 * (`test_<uuid>`), signed and retried as any other. The answer is the delivery as made; its
 * outcome shows in the delivery log.
 */
export async function sendTestWebhook(
  deps: Pick<CoreDeps, "db" | "queue" | "clock" | "logger">,
  { actor, input }: { actor: Actor; input: WebhookEndpointRefInput },
): Promise<WebhookDeliveryView> {
  assertCan(actor, "webhook.manage");
  const { endpointId } = parseInput(webhookEndpointRefInputSchema, input, "webhook endpoint reference");
  const endpoint = await findWebhookEndpoint(deps.db, { tenantId: actor.tenantId, endpointId });
  if (!endpoint.enabled) throw new CoreError("CONFLICT", `Webhook endpoint ${endpointId} is disabled: enable it first`);
  const tenant = await deps.db.tenant.findUniqueOrThrow({ where: { id: actor.tenantId }, select: { slug: true } });
  const now = deps.clock.now();
  const row = await deps.db.webhookDelivery
    .create({
      data: {
        tenantId: actor.tenantId,
        endpointId,
        eventType: WEBHOOK_TEST_EVENT_TYPE,
        messageId: `test_${randomUUID()}`,
        payload: {
          type: WEBHOOK_TEST_EVENT_TYPE,
          timestamp: now.toISOString(),
          data: { endpointId, tenant: tenant.slug, message: `A test event from Leash, sent by ${actor.label}` },
        },
        nextAttemptAt: now,
        createdAt: now,
      },
      include: { attemptLog: true },
    })
    .catch((error: unknown) => {
      // Deleted since it was read: its key is gone.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2003") throw new CoreError("NOT_FOUND", `No webhook endpoint ${endpointId}`);
      throw error;
    });
  const deliveryId = Number(row.id);
  await enqueueWebhookDelivery(deps, { deliveryId, tenantId: actor.tenantId });
  deps.logger.info({ tenantId: actor.tenantId, endpointId, deliveryId, by: actor.label }, "webhook test event made");
  return toWebhookDeliveryView(row);
}
