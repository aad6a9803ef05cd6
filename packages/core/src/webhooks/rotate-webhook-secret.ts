import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { generateSigningSecret, requireConnectorKey } from "../connectors/connector-secrets.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { findWebhookEndpoint } from "./find-webhook-endpoint.ts";
import { webhookEndpointRefInputSchema, type WebhookEndpointRefInput } from "./webhook-inputs.ts";
import { encryptWebhookSecret } from "./webhook-secret.ts";
import { toWebhookEndpointView, type WebhookEndpointWithSecret } from "./webhook-view.ts";

/**
 * Replaces an endpoint's signing secret (admins) and answers the new one, this once. Every attempt
 * from now on, retries of earlier deliveries too, is signed with it.
 */
export async function rotateWebhookSecret(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey">,
  { actor, input }: { actor: Actor; input: WebhookEndpointRefInput },
): Promise<WebhookEndpointWithSecret> {
  assertCan(actor, "webhook.manage");
  const { endpointId } = parseInput(webhookEndpointRefInputSchema, input, "webhook endpoint reference");
  const key = requireConnectorKey(deps.connectorKey);
  const signingSecret = generateSigningSecret();
  const { count } = await deps.db.webhookEndpoint.updateMany({
    where: { id: endpointId, tenantId: actor.tenantId },
    data: { signingSecret: encryptWebhookSecret(key, endpointId, signingSecret) },
  });
  if (count === 0) throw new CoreError("NOT_FOUND", `No webhook endpoint ${endpointId}`);
  const row = await findWebhookEndpoint(deps.db, { tenantId: actor.tenantId, endpointId });
  deps.logger.info({ tenantId: actor.tenantId, endpointId, by: actor.label }, "webhook signing secret rotated");
  return { endpoint: toWebhookEndpointView(row), signingSecret };
}
