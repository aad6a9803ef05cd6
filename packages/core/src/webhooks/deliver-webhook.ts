import type { WebhookDelivery, WebhookEndpoint } from "@leash/db";

import { requireConnectorKey } from "../connectors/connector-secrets.ts";
import { secretsSigningAt } from "../connectors/signing-secret-rotation.ts";
import { createNotificationDelivery } from "../delivery/create-notification-delivery.ts";
import type { CoreDeps } from "../deps.ts";
import { disableFailingEndpoint, type EndpointDisabledNotice } from "./disable-failing-endpoint.ts";
import { emailEndpointDisabled } from "./email-endpoint-disabled.ts";
import { sendWebhookRequest, type WebhookAttemptResult } from "./send-webhook-request.ts";
import { utcMinute } from "../utc-minute.ts";
import { defaultWebhookPolicy, webhookRetryDelayMs, type WebhookPolicy } from "./webhook-policy.ts";
import { decryptWebhookSecret } from "./webhook-secret.ts";
import { wakeNextWebhookDelivery } from "./wake-next-webhook-delivery.ts";

export type DeliverWebhookDeps = Pick<CoreDeps, "db" | "queue" | "clock" | "logger" | "connectorKey" | "delivery">;

export type DeliverWebhookOutcome =
  | { kind: "delivered"; deliveryId: number; statusCode: number }
  /** The attempt failed; the next one is due in `retryInMs`. */
  | { kind: "retry"; deliveryId: number; error: string; retryInMs: number }
  /** The attempt failed and the schedule is spent: the delivery is failed ("Send again" restarts it). */
  | { kind: "failed"; deliveryId: number; error: string }
  /** The attempt failed and its endpoint had failed for too long: the endpoint is disabled, the delivery paused. */
  | { kind: "endpoint_disabled"; deliveryId: number; error: string; reason: string }
  | { kind: "not_due"; deliveryId: number; retryInMs: number }
  /** An earlier delivery of the same action to the same endpoint is pending; it enqueues this one when it is settled. */
  | { kind: "waiting"; deliveryId: number; behind: number }
  | { kind: "skipped"; deliveryId: number; reason: string };

/**
 * Beyond the attempt's timeout, how long a claimed delivery is left to the worker that claimed it
 * before another may try (the worker may have died after sending: delivery is at least once).
 */
const CLAIM_MARGIN_MS = 30_000;

type Loaded = WebhookDelivery & { endpoint: WebhookEndpoint };

/** "24 hours", "90 min", "300 ms": how long the endpoint had been failing, in the disabling reason. */
function failingFor(ms: number): string {
  if (ms >= 2 * 3_600_000) return `${Math.floor(ms / 3_600_000)} hours`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)} min`;
  if (ms >= 1000) return `${Math.floor(ms / 1000)} s`;
  return `${ms} ms`;
}

/**
 * Makes one attempt of a pending webhook delivery (the worker's job for it), in order: nothing is
 * sent while an earlier delivery of the same action to the same endpoint is pending, nor to a
 * disabled endpoint, nor before the delivery is due. The delivery is claimed by moving its next
 * attempt past the attempt's end, so two jobs never send it together; the attempt, the delivery's
 * new state and the endpoint's failing streak are then recorded in one transaction:
 * - 2xx: delivered; the endpoint's failing streak ends; the action's next pending delivery to it is enqueued;
 * - anything else (non-2xx, timeout, connection or address refused): retried on the policy's schedule
 *   (longer when a 429 or 503 asks with Retry-After), failed when it is spent (then the next one goes);
 *   an endpoint whose attempts have all failed for `disableAfterMs` is disabled, its admins told.
 */
export async function deliverWebhook(
  deps: DeliverWebhookDeps,
  { deliveryId, tenantId, policy = defaultWebhookPolicy }: { deliveryId: number; tenantId: string; policy?: WebhookPolicy },
): Promise<DeliverWebhookOutcome> {
  const now = deps.clock.now();
  const delivery = await deps.db.webhookDelivery.findFirst({ where: { id: BigInt(deliveryId), tenantId }, include: { endpoint: true } });
  if (!delivery) return { kind: "skipped", deliveryId, reason: "no such delivery (its endpoint was deleted)" };
  if (delivery.status !== "pending") return { kind: "skipped", deliveryId, reason: `the delivery is ${delivery.status}` };
  if (!delivery.endpoint.enabled) return { kind: "skipped", deliveryId, reason: "the endpoint is disabled: the delivery waits until it is enabled again" };
  const dueInMs = delivery.nextAttemptAt.getTime() - now.getTime();
  if (dueInMs > 0) return { kind: "not_due", deliveryId, retryInMs: dueInMs };
  const earlier = await earlierPending(deps, delivery);
  if (earlier !== null) return { kind: "waiting", deliveryId, behind: earlier };

  const key = requireConnectorKey(deps.connectorKey);
  // The replaced secret signs too while it is unexpired (see rotateWebhookSecret).
  const signingSecrets = secretsSigningAt(delivery.endpoint, now).map((sealed) => decryptWebhookSecret(key, delivery.endpointId, sealed));
  const { count } = await deps.db.webhookDelivery.updateMany({
    where: { id: delivery.id, status: "pending", nextAttemptAt: delivery.nextAttemptAt },
    data: { nextAttemptAt: new Date(now.getTime() + policy.timeoutMs + CLAIM_MARGIN_MS) },
  });
  if (count === 0) return { kind: "skipped", deliveryId, reason: "another attempt claimed it" };

  const attemptAt = deps.clock.now();
  const result = await sendWebhookRequest({
    url: delivery.endpoint.url,
    allowPrivateNetwork: delivery.endpoint.allowPrivateNetwork,
    signingSecrets,
    messageId: delivery.messageId,
    body: JSON.stringify(delivery.payload),
    now: attemptAt,
    timeoutMs: policy.timeoutMs,
  });
  const { outcome, notice } = await recordAttempt(deps, { delivery, result, attemptAt, policy });
  if ((outcome.kind === "delivered" || outcome.kind === "failed") && delivery.actionId !== null) {
    await wakeNextWebhookDelivery(deps, { endpointId: delivery.endpointId, actionId: delivery.actionId, tenantId });
  }
  if (notice) {
    deps.logger.warn({ tenantId, endpointId: delivery.endpointId, reason: notice.message }, "webhook endpoint disabled");
    await emailEndpointDisabled(deps, notice);
  }
  return outcome;
}

/** The id of an earlier delivery of the same action to the same endpoint that is still pending, or null. */
async function earlierPending(deps: DeliverWebhookDeps, delivery: Loaded): Promise<number | null> {
  if (delivery.actionId === null || delivery.eventId === null) return null;
  const earlier = await deps.db.webhookDelivery.findFirst({
    where: { endpointId: delivery.endpointId, actionId: delivery.actionId, status: "pending", eventId: { lt: delivery.eventId } },
    select: { id: true },
  });
  return earlier ? Number(earlier.id) : null;
}

async function recordAttempt(
  deps: DeliverWebhookDeps,
  { delivery, result, attemptAt, policy }: { delivery: Loaded; result: WebhookAttemptResult; attemptAt: Date; policy: WebhookPolicy },
): Promise<{ outcome: DeliverWebhookOutcome; notice: EndpointDisabledNotice | null }> {
  const deliveryId = Number(delivery.id);
  const endpoint = delivery.endpoint;
  return deps.db.$transaction(async (tx) => {
    const now = deps.clock.now();
    await tx.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        tenantId: delivery.tenantId,
        at: attemptAt,
        durationMs: result.durationMs,
        statusCode: result.statusCode,
        error: result.error,
        responseExcerpt: result.responseExcerpt,
      },
    });
    const pending = { id: delivery.id, status: "pending" as const };
    if (result.ok) {
      await tx.webhookDelivery.updateMany({
        where: pending,
        data: { status: "delivered", attempts: { increment: 1 }, lastAttemptAt: attemptAt, deliveredAt: now },
      });
      // Written only when a streak of failures ends: a healthy endpoint's row is not rewritten at every delivery.
      await tx.$executeRaw`UPDATE webhook_endpoint SET failing_since = NULL WHERE id = ${endpoint.id}::uuid AND failing_since IS NOT NULL`;
      return { outcome: { kind: "delivered", deliveryId, statusCode: result.statusCode ?? 0 }, notice: null };
    }

    const error = result.error ?? "failed";
    const retryInMs = webhookRetryDelayMs(policy, delivery.attempts + 1, result.retryAfterMs);
    await tx.webhookDelivery.updateMany({
      where: pending,
      data:
        retryInMs === null
          ? { status: "failed", attempts: { increment: 1 }, lastAttemptAt: attemptAt }
          : { attempts: { increment: 1 }, lastAttemptAt: attemptAt, nextAttemptAt: new Date(now.getTime() + retryInMs) },
    });
    const [streak] = await tx.$queryRaw<{ failingSince: Date }[]>`
      UPDATE webhook_endpoint SET failing_since = COALESCE(failing_since, ${attemptAt}) WHERE id = ${endpoint.id}::uuid
      RETURNING failing_since AS "failingSince"`;
    const failedForMs = streak ? now.getTime() - streak.failingSince.getTime() : 0;
    if (failedForMs >= policy.disableAfterMs) {
      const reason = `disabled on ${utcMinute(now)} after failing for ${failingFor(failedForMs)}: last error ${error}`;
      const notice = await disableFailingEndpoint(tx, { endpoint, reason, now, delivery: deps.delivery ?? createNotificationDelivery({ clock: deps.clock }) });
      if (notice) return { outcome: { kind: "endpoint_disabled", deliveryId, error, reason }, notice };
    }
    if (retryInMs === null) return { outcome: { kind: "failed", deliveryId, error }, notice: null };
    return { outcome: { kind: "retry", deliveryId, error, retryInMs }, notice: null };
  });
}
