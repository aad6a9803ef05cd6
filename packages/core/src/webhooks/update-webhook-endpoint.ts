import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { firstInLineSql } from "./first-in-line-sql.ts";
import { findWebhookEndpoint } from "./find-webhook-endpoint.ts";
import { utcMinute } from "../utc-minute.ts";
import { updateWebhookEndpointInputSchema, type UpdateWebhookEndpointInput } from "./webhook-inputs.ts";
import { assertWebhookAddress } from "./webhook-url.ts";
import { toWebhookEndpointView, type WebhookEndpointView } from "./webhook-view.ts";

/**
 * Changes an endpoint (admins): the fields given replace the stored ones. `enabled: true` on a
 * disabled endpoint clears why it was disabled and its failing streak, and resumes its pending
 * deliveries at once, on a fresh retry schedule, in order; `enabled: false` pauses them (events
 * sealed while it is disabled are not sent to it).
 */
export async function updateWebhookEndpoint(
  deps: Pick<CoreDeps, "db" | "queue" | "clock" | "logger">,
  { actor, input }: { actor: Actor; input: UpdateWebhookEndpointInput },
): Promise<WebhookEndpointView> {
  assertCan(actor, "webhook.manage");
  const { endpointId, enabled, ...changes } = parseInput(updateWebhookEndpointInputSchema, input, "webhook endpoint changes");
  const current = await findWebhookEndpoint(deps.db, { tenantId: actor.tenantId, endpointId });
  assertWebhookAddress(changes.url ?? current.url, changes.allowPrivateNetwork ?? current.allowPrivateNetwork);
  const now = deps.clock.now();
  const resuming = enabled === true && !current.enabled;
  const state =
    enabled === undefined || enabled === current.enabled
      ? {}
      : enabled
        ? { enabled: true, disabledReason: null, disabledAt: null, failingSince: null }
        : { enabled: false, disabledReason: `disabled by ${actor.label} on ${utcMinute(now)}`, disabledAt: now };
  const { row, resumed } = await deps.db.$transaction(async (tx) => {
    // The condition on `enabled` makes of two concurrent enables one that resumes the deliveries.
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, tenantId: actor.tenantId, ...(resuming ? { enabled: false } : {}) },
      data: { ...changes, ...state },
    });
    if (count === 0 && !resuming) throw new CoreError("NOT_FOUND", `No webhook endpoint ${endpointId}`);
    const resumed =
      count === 1 && resuming
        ? await tx.webhookDelivery.updateMany({ where: { endpointId, status: "pending" }, data: { nextAttemptAt: now, attempts: 0 } })
        : { count: 0 };
    return { row: await findWebhookEndpoint(tx, { tenantId: actor.tenantId, endpointId }), resumed: resumed.count };
  });
  if (resumed > 0) await wakeFirstInLine(deps, { tenantId: actor.tenantId, endpointId });
  deps.logger.info({ tenantId: actor.tenantId, endpointId, changed: Object.keys(changes), enabled: row.enabled, resumed, by: actor.label }, "webhook endpoint updated");
  return toWebhookEndpointView(row, now);
}

/**
 * Enqueues the resumed deliveries that are first in line for their action (the others follow each
 * as the one before it is settled). A delayed job of one, waiting out its old backoff, runs now.
 */
async function wakeFirstInLine(deps: Pick<CoreDeps, "db" | "queue" | "logger">, { tenantId, endpointId }: { tenantId: string; endpointId: string }): Promise<void> {
  const first = await deps.db.$queryRaw<{ id: bigint }[]>`
    SELECT d.id FROM webhook_delivery d
    WHERE d.endpoint_id = ${endpointId}::uuid AND d.status = 'pending' AND ${firstInLineSql}
    ORDER BY d.id`;
  try {
    for (const row of first) await deps.queue.wakeWebhookDelivery({ deliveryId: Number(row.id), tenantId });
  } catch (error) {
    deps.logger.warn({ tenantId, endpointId, err: error instanceof Error ? error.message : String(error) }, "could not enqueue resumed webhook deliveries; the reconciler will");
  }
}
