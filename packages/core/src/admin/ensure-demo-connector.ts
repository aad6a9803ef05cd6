import { systemActor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import type { CreateConnectorInput } from "../connectors/connector-inputs.ts";
import { createConnector } from "../connectors/create-connector.ts";
import { findConnector } from "../connectors/find-connector.ts";

export const DEMO_CONNECTOR_NAME = "demo-invoices";
/** The demo receivers' HTTP service (apps/demo-receivers, started by `./leash up`). */
export const DEMO_CONNECTOR_BASE_URL = "http://127.0.0.1:3004/api";

/** The demo tenant's connector: invoices on the demo receivers, undone by deleting the invoice the call created. */
export function demoConnectorInput(baseUrl = DEMO_CONNECTOR_BASE_URL): CreateConnectorInput {
  return {
    name: DEMO_CONNECTOR_NAME,
    baseUrl,
    allowedMethods: ["POST", "DELETE"],
    allowedPathPrefixes: ["/invoices"],
    // The receiver is on loopback, which connectors refuse unless told otherwise.
    allowPrivateNetwork: true,
    undo: { method: "DELETE", path: "/invoices/{{result.body.id}}" },
  };
}

export type DemoConnectorOutcome =
  | { created: true; signingSecret: string }
  | { created: false; reason: "exists" | "no connector key" };

/**
 * Adds the demo connector to a tenant that lacks it (a demo tenant seeded before connectors, or
 * without CONNECTOR_SECRET_KEY). Its signing secret is in the answer this once. Without a key it
 * does nothing and says so: the rest of the demo works without the connector.
 */
export async function ensureDemoConnector(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey">,
  { tenantId, baseUrl }: { tenantId: string; baseUrl?: string },
): Promise<DemoConnectorOutcome> {
  if (await findConnector(deps.db, tenantId, DEMO_CONNECTOR_NAME)) return { created: false, reason: "exists" };
  if (deps.connectorKey === undefined) return { created: false, reason: "no connector key" };
  const { signingSecret } = await createConnector(deps, { actor: systemActor(tenantId, "demo seed"), input: demoConnectorInput(baseUrl) });
  return { created: true, signingSecret };
}
