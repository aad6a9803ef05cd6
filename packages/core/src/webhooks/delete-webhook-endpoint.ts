import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { webhookEndpointRefInputSchema, type WebhookEndpointRefInput } from "./webhook-inputs.ts";

/** Removes an endpoint (admins) with its delivery log; what was still pending to it is never sent. */
export async function deleteWebhookEndpoint(
  deps: Pick<CoreDeps, "db" | "logger">,
  { actor, input }: { actor: Actor; input: WebhookEndpointRefInput },
): Promise<{ deleted: true }> {
  assertCan(actor, "webhook.manage");
  const { endpointId } = parseInput(webhookEndpointRefInputSchema, input, "webhook endpoint reference");
  const { count } = await deps.db.webhookEndpoint.deleteMany({ where: { id: endpointId, tenantId: actor.tenantId } });
  if (count === 0) throw new CoreError("NOT_FOUND", `No webhook endpoint ${endpointId}`);
  deps.logger.info({ tenantId: actor.tenantId, endpointId, by: actor.label }, "webhook endpoint deleted");
  return { deleted: true };
}
