import { Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { duplicateConnectorName, settingsColumns, storeHeaders } from "./connector-columns.ts";
import { connectorSettingsSchema, updateConnectorInputSchema, type UpdateConnectorInput } from "./connector-inputs.ts";
import { requireConnectorKey } from "./connector-secrets.ts";
import { toConnectorView, type ConnectorView } from "./connector-view.ts";
import { toStoredConnector, type StoredConnector } from "./stored-connector.ts";

/** The stored connector as settings input: secret headers without their values, so they keep them. */
function currentSettings(connector: StoredConnector) {
  return {
    name: connector.name,
    baseUrl: connector.baseUrl,
    allowedMethods: connector.allowedMethods,
    allowedPathPrefixes: connector.allowedPathPrefixes,
    headers: connector.headers.map((header) => (header.secret ? { name: header.name, secret: true } : { name: header.name, value: header.value, secret: false })),
    timeoutMs: connector.timeoutMs,
    allowPrivateNetwork: connector.allowPrivateNetwork,
    undo: connector.undo,
  };
}

/**
 * Changes a connector (admins): the fields given replace the stored ones, and the result is
 * checked as a whole again (an undo template must still fit the allowed methods and prefixes).
 */
export async function updateConnector(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey" | "clock">,
  { actor, input }: { actor: Actor; input: UpdateConnectorInput },
): Promise<ConnectorView> {
  assertCan(actor, "connector.write");
  const { connectorId, ...changes } = parseInput(updateConnectorInputSchema, input, "connector changes");
  const notFound = () => new CoreError("NOT_FOUND", `No connector ${connectorId}`);
  const row = await deps.db.connector.findFirst({ where: { id: connectorId, tenantId: actor.tenantId } });
  if (!row) throw notFound();
  const current = toStoredConnector(row);
  // Only the fields given: one left out (or undefined) keeps its stored value.
  const given = Object.fromEntries(Object.entries(changes as Record<string, unknown>).filter(([, value]) => value !== undefined));
  const settings = parseInput(connectorSettingsSchema, { ...currentSettings(current), ...given }, "connector");
  const headers = storeHeaders(settings.headers, { connectorId, previous: current.headers, key: () => requireConnectorKey(deps.connectorKey) });
  try {
    const updated = await deps.db.connector.update({ where: { id: connectorId }, data: settingsColumns(settings, headers) });
    deps.logger.info({ tenantId: actor.tenantId, connectorId, connector: settings.name, changed: Object.keys(given), by: actor.label }, "connector updated");
    return toConnectorView(toStoredConnector(updated), deps.clock.now());
  } catch (error) {
    // Deleted between the read and the write.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2025") throw notFound();
    throw duplicateConnectorName(error, settings.name) ?? error;
  }
}
