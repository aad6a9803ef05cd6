import { randomUUID } from "node:crypto";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { generateSigningSecret, requireConnectorKey } from "../connectors/connector-secrets.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { createWebhookEndpointInputSchema, type CreateWebhookEndpointInput } from "./webhook-inputs.ts";
import { encryptWebhookSecret } from "./webhook-secret.ts";
import { assertWebhookAddress } from "./webhook-url.ts";
import { toWebhookEndpointView, type WebhookEndpointWithSecret } from "./webhook-view.ts";

/** Endpoints a tenant may have: every event sealed is matched against each of them. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

/**
 * Subscribes an endpoint of the tenant to events of its actions (admins). Its signing secret is
 * generated here and is in the answer this once: only its encrypted form is kept. Events sealed
 * from now on are sent to it.
 */
export async function createWebhookEndpoint(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey">,
  { actor, input }: { actor: Actor; input: CreateWebhookEndpointInput },
): Promise<WebhookEndpointWithSecret> {
  assertCan(actor, "webhook.manage");
  const settings = parseInput(createWebhookEndpointInputSchema, input, "webhook endpoint");
  assertWebhookAddress(settings.url, settings.allowPrivateNetwork);
  const key = requireConnectorKey(deps.connectorKey);
  if ((await deps.db.webhookEndpoint.count({ where: { tenantId: actor.tenantId } })) >= MAX_WEBHOOK_ENDPOINTS) {
    throw new CoreError("CONFLICT", `A tenant has at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints: delete one first`);
  }
  // The id is chosen here because the secret is bound to it (see webhook-secret.ts).
  const id = randomUUID();
  const signingSecret = generateSigningSecret();
  const row = await deps.db.webhookEndpoint.create({
    data: { id, tenantId: actor.tenantId, ...settings, signingSecret: encryptWebhookSecret(key, id, signingSecret) },
  });
  deps.logger.info({ tenantId: actor.tenantId, endpointId: id, eventTypes: settings.eventTypes, by: actor.label }, "webhook endpoint created");
  return { endpoint: toWebhookEndpointView(row, row.createdAt), signingSecret };
}
