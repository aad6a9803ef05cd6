import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { generateSigningSecret, requireConnectorKey } from "../connectors/connector-secrets.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { findWebhookEndpoint } from "./find-webhook-endpoint.ts";
import { rotateWebhookSecretInputSchema, type RotateWebhookSecretInput } from "./webhook-inputs.ts";
import { encryptWebhookSecret } from "./webhook-secret.ts";
import { toWebhookEndpointView, type WebhookEndpointWithSecret } from "./webhook-view.ts";

/** How long the secret a rotation replaced keeps signing beside the new one (unless revoked). */
export const WEBHOOK_SECRET_GRACE_HOURS = 24;

/**
 * Replaces an endpoint's signing secret (admins) and answers the new one, this once. Every attempt
 * from now on, retries of earlier deliveries too, is signed with it, and also, for
 * WEBHOOK_SECRET_GRACE_HOURS, with the secret it replaced (Standard Webhooks' several signatures in
 * `webhook-signature`): a receiver still verifying with the old secret accepts them until it has
 * the new one. `revokePrevious` drops the old secret at once (it leaked). One statement: two
 * rotations at once each keep the secret they replaced, never a secret nobody was given.
 */
export async function rotateWebhookSecret(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey" | "clock">,
  { actor, input }: { actor: Actor; input: RotateWebhookSecretInput },
): Promise<WebhookEndpointWithSecret> {
  assertCan(actor, "webhook.manage");
  const { endpointId, revokePrevious } = parseInput(rotateWebhookSecretInputSchema, input, "webhook secret rotation");
  const key = requireConnectorKey(deps.connectorKey);
  const signingSecret = generateSigningSecret();
  const now = deps.clock.now();
  const expires = revokePrevious ? null : new Date(now.getTime() + WEBHOOK_SECRET_GRACE_HOURS * 3_600_000);
  const count = await deps.db.$executeRaw`
    UPDATE webhook_endpoint
    SET previous_signing_secret = CASE WHEN ${expires}::timestamptz IS NULL THEN NULL ELSE signing_secret END,
        previous_secret_expires_at = ${expires}::timestamptz,
        signing_secret = ${encryptWebhookSecret(key, endpointId, signingSecret)},
        updated_at = ${now}
    WHERE id = ${endpointId}::uuid AND tenant_id = ${actor.tenantId}::uuid`;
  if (count === 0) throw new CoreError("NOT_FOUND", `No webhook endpoint ${endpointId}`);
  const row = await findWebhookEndpoint(deps.db, { tenantId: actor.tenantId, endpointId });
  deps.logger.info({ tenantId: actor.tenantId, endpointId, by: actor.label, previousSignsUntil: expires?.toISOString() ?? null }, "webhook signing secret rotated");
  return { endpoint: toWebhookEndpointView(row, now), signingSecret };
}
