import { randomUUID } from "node:crypto";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { duplicateConnectorName, settingsColumns, storeHeaders } from "./connector-columns.ts";
import { createConnectorInputSchema, type CreateConnectorInput } from "./connector-inputs.ts";
import { encryptConnectorSecret, generateSigningSecret, requireConnectorKey } from "./connector-secrets.ts";
import { toConnectorView, type ConnectorWithSigningSecret } from "./connector-view.ts";
import { toStoredConnector } from "./stored-connector.ts";

/**
 * Adds an HTTP connector to the tenant (admins). Its signing secret is generated here and is in
 * the answer this once: only its encrypted form is kept.
 */
export async function createConnector(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey">,
  { actor, input }: { actor: Actor; input: CreateConnectorInput },
): Promise<ConnectorWithSigningSecret> {
  assertCan(actor, "connector.write");
  const settings = parseInput(createConnectorInputSchema, input, "connector");
  const key = requireConnectorKey(deps.connectorKey);
  // The id is chosen here because the secrets are bound to it (see connector-secrets.ts).
  const id = randomUUID();
  const signingSecret = generateSigningSecret();
  const headers = storeHeaders(settings.headers, { connectorId: id, previous: [], key: () => key });
  try {
    const row = await deps.db.connector.create({
      data: { id, tenantId: actor.tenantId, ...settingsColumns(settings, headers), signingSecret: encryptConnectorSecret(key, id, signingSecret) },
    });
    deps.logger.info({ tenantId: actor.tenantId, connectorId: id, connector: settings.name, by: actor.label }, "connector created");
    return { connector: toConnectorView(toStoredConnector(row), row.createdAt), signingSecret };
  } catch (error) {
    throw duplicateConnectorName(error, settings.name) ?? error;
  }
}
