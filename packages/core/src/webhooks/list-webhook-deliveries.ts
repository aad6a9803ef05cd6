import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { findWebhookEndpoint } from "./find-webhook-endpoint.ts";
import { listWebhookDeliveriesInputSchema, type ListWebhookDeliveriesInput } from "./webhook-inputs.ts";
import { toWebhookDeliveryView, WEBHOOK_ATTEMPTS_SHOWN, type WebhookDeliveryPage } from "./webhook-view.ts";

/**
 * An endpoint's delivery log (admins), newest first, one page at a time (cursor = last id seen),
 * optionally only pending, delivered or failed ones; each delivery with its latest attempts.
 */
export async function listWebhookDeliveries(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: ListWebhookDeliveriesInput },
): Promise<WebhookDeliveryPage> {
  assertCan(actor, "webhook.manage");
  const { endpointId, status, cursor, limit } = parseInput(listWebhookDeliveriesInputSchema, input, "delivery log query");
  await findWebhookEndpoint(deps.db, { tenantId: actor.tenantId, endpointId });
  const rows = await deps.db.webhookDelivery.findMany({
    where: { endpointId, tenantId: actor.tenantId, ...(status ? { status } : {}), ...(cursor !== undefined ? { id: { lt: BigInt(cursor) } } : {}) },
    include: { attemptLog: { orderBy: { id: "desc" }, take: WEBHOOK_ATTEMPTS_SHOWN } },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toWebhookDeliveryView), nextCursor: rows.length > limit && last ? Number(last.id) : null };
}
