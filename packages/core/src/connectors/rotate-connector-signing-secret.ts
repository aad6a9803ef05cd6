import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { connectorRefInputSchema, type ConnectorRefInput } from "./connector-inputs.ts";
import { encryptConnectorSecret, generateSigningSecret, requireConnectorKey } from "./connector-secrets.ts";
import { toConnectorView, type ConnectorWithSigningSecret } from "./connector-view.ts";
import { toStoredConnector } from "./stored-connector.ts";

/**
 * Replaces a connector's signing secret (admins) and answers the new one, this once. Requests sent
 * from now on are signed with it; the receiver must be given it before they are accepted.
 */
export async function rotateConnectorSigningSecret(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey">,
  { actor, input }: { actor: Actor; input: ConnectorRefInput },
): Promise<ConnectorWithSigningSecret> {
  assertCan(actor, "connector.write");
  const { connectorId } = parseInput(connectorRefInputSchema, input, "connector reference");
  const key = requireConnectorKey(deps.connectorKey);
  const notFound = () => new CoreError("NOT_FOUND", `No connector ${connectorId}`);
  const signingSecret = generateSigningSecret();
  const { count } = await deps.db.connector.updateMany({
    where: { id: connectorId, tenantId: actor.tenantId },
    data: { signingSecret: encryptConnectorSecret(key, connectorId, signingSecret) },
  });
  if (count === 0) throw notFound();
  const row = await deps.db.connector.findUnique({ where: { id: connectorId } });
  if (!row) throw notFound();
  deps.logger.info({ tenantId: actor.tenantId, connectorId, connector: row.name, by: actor.label }, "connector signing secret rotated");
  return { connector: toConnectorView(toStoredConnector(row)), signingSecret };
}
