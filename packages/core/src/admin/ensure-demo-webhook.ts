import { systemActor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import { createWebhookEndpoint } from "../webhooks/create-webhook-endpoint.ts";
import { webhookEventTypes } from "../webhooks/webhook-event-types.ts";

/** The demo receivers' webhook receiver (apps/demo-receivers, started by `./leash up`). */
export const DEMO_WEBHOOK_URL = "http://127.0.0.1:3004/webhooks";

export type DemoWebhookOutcome =
  | { created: true; url: string; signingSecret: string }
  | { created: false; reason: "exists" | "no connector key" };

/**
 * Subscribes the demo receivers to every event of the demo tenant's actions, unless the tenant
 * already has a webhook endpoint (this one, or others an admin chose instead). Its signing secret is in the answer this once. Without a key
 * (webhook secrets are encrypted with CONNECTOR_SECRET_KEY) it does nothing and says so.
 */
export async function ensureDemoWebhook(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey">,
  { tenantId, url = DEMO_WEBHOOK_URL }: { tenantId: string; url?: string },
): Promise<DemoWebhookOutcome> {
  if (await deps.db.webhookEndpoint.findFirst({ where: { tenantId }, select: { id: true } })) return { created: false, reason: "exists" };
  if (deps.connectorKey === undefined) return { created: false, reason: "no connector key" };
  const { signingSecret } = await createWebhookEndpoint(deps, {
    actor: systemActor(tenantId, "demo seed"),
    input: {
      url,
      description: "The demo receivers: every event, listed on their page",
      eventTypes: [...webhookEventTypes],
      // The receiver is on loopback, which webhooks refuse unless told otherwise.
      allowPrivateNetwork: true,
    },
  });
  return { created: true, url, signingSecret };
}
