import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { toWebhookEndpointView, type WebhookEndpointView } from "./webhook-view.ts";

/** The tenant's webhook endpoints, oldest first (admins); never a signing secret. */
export async function listWebhookEndpoints(deps: Pick<CoreDeps, "db" | "clock">, { actor }: { actor: Actor }): Promise<WebhookEndpointView[]> {
  assertCan(actor, "webhook.manage");
  const rows = await deps.db.webhookEndpoint.findMany({ where: { tenantId: actor.tenantId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  const now = deps.clock.now();
  return rows.map((row) => toWebhookEndpointView(row, now));
}
