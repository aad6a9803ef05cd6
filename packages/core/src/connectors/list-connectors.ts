import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { toConnectorView, type ConnectorView } from "./connector-view.ts";
import { toStoredConnector } from "./stored-connector.ts";

/** The tenant's connectors by name (admins and approvers): settings, never a secret value. */
export async function listConnectors(deps: Pick<CoreDeps, "db" | "clock">, { actor }: { actor: Actor }): Promise<ConnectorView[]> {
  assertCan(actor, "connector.read");
  const rows = await deps.db.connector.findMany({ where: { tenantId: actor.tenantId }, orderBy: { name: "asc" } });
  const now = deps.clock.now();
  return rows.map((row) => toConnectorView(toStoredConnector(row), now));
}
