import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { generateSigningSecret, requireConnectorKey } from "../connectors/connector-secrets.ts";
import { previousSecretGraceEnd, rotatedSecretAssignments } from "../connectors/signing-secret-rotation.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { findWebhookEndpoint } from "./find-webhook-endpoint.ts";
import { rotateWebhookSecretInputSchema, type RotateWebhookSecretInput } from "./webhook-inputs.ts";
import { encryptWebhookSecret } from "./webhook-secret.ts";
import { toWebhookEndpointView, type WebhookEndpointWithSecret } from "./webhook-view.ts";

/**
 * Replaces an endpoint's signing secret (admins) and answers the new one, this once. Every attempt
 * from now on, retries of earlier deliveries too, is signed with it, and also, for
 * SIGNING_SECRET_GRACE_HOURS, with the secret it replaced (Standard Webhooks' several signatures in
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
  const previousSignsUntil = previousSecretGraceEnd(now, { revokePrevious });
  const count = await deps.db.$executeRaw`
    UPDATE webhook_endpoint
    SET ${rotatedSecretAssignments({ sealed: encryptWebhookSecret(key, endpointId, signingSecret), previousSignsUntil, now })}
    WHERE id = ${endpointId}::uuid AND tenant_id = ${actor.tenantId}::uuid`;
  if (count === 0) throw new CoreError("NOT_FOUND", `No webhook endpoint ${endpointId}`);
  const row = await findWebhookEndpoint(deps.db, { tenantId: actor.tenantId, endpointId });
  deps.logger.info({ tenantId: actor.tenantId, endpointId, by: actor.label, previousSignsUntil: previousSignsUntil?.toISOString() ?? null }, "webhook signing secret rotated");
  return { endpoint: toWebhookEndpointView(row, now), signingSecret };
}
