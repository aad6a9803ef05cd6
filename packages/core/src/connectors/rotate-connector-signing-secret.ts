import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { rotateConnectorSigningSecretInputSchema, type RotateConnectorSigningSecretInput } from "./connector-inputs.ts";
import { encryptConnectorSecret, generateSigningSecret, requireConnectorKey } from "./connector-secrets.ts";
import { toConnectorView, type ConnectorWithSigningSecret } from "./connector-view.ts";
import { previousSecretGraceEnd, rotatedSecretAssignments } from "./signing-secret-rotation.ts";
import { toStoredConnector } from "./stored-connector.ts";

/**
 * Replaces a connector's signing secret (admins) and answers the new one, this once. Requests sent
 * from now on, retries of earlier actions too, are signed with it, and also, for
 * SIGNING_SECRET_GRACE_HOURS, with the secret it replaced (Standard Webhooks' several signatures in
 * `webhook-signature`): a receiver still verifying with the old secret accepts them until it has
 * the new one. `revokePrevious` drops the old secret at once (it leaked). One statement: two
 * rotations at once each keep the secret they replaced, never a secret nobody was given.
 */
export async function rotateConnectorSigningSecret(
  deps: Pick<CoreDeps, "db" | "logger" | "connectorKey" | "clock">,
  { actor, input }: { actor: Actor; input: RotateConnectorSigningSecretInput },
): Promise<ConnectorWithSigningSecret> {
  assertCan(actor, "connector.write");
  const { connectorId, revokePrevious } = parseInput(rotateConnectorSigningSecretInputSchema, input, "connector secret rotation");
  const key = requireConnectorKey(deps.connectorKey);
  const notFound = () => new CoreError("NOT_FOUND", `No connector ${connectorId}`);
  const signingSecret = generateSigningSecret();
  const now = deps.clock.now();
  const previousSignsUntil = previousSecretGraceEnd(now, { revokePrevious });
  const count = await deps.db.$executeRaw`
    UPDATE connector
    SET ${rotatedSecretAssignments({ sealed: encryptConnectorSecret(key, connectorId, signingSecret), previousSignsUntil, now })}
    WHERE id = ${connectorId}::uuid AND tenant_id = ${actor.tenantId}::uuid`;
  if (count === 0) throw notFound();
  const row = await deps.db.connector.findUnique({ where: { id: connectorId } });
  if (!row) throw notFound();
  deps.logger.info(
    { tenantId: actor.tenantId, connectorId, connector: row.name, by: actor.label, previousSignsUntil: previousSignsUntil?.toISOString() ?? null },
    "connector signing secret rotated",
  );
  return { connector: toConnectorView(toStoredConnector(row), now), signingSecret };
}
