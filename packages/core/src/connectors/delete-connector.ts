import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { connectorRefInputSchema, type ConnectorRefInput } from "./connector-inputs.ts";

/** Removes a connector (admins); `http` actions naming it can no longer run. */
export async function deleteConnector(deps: Pick<CoreDeps, "db" | "logger">, { actor, input }: { actor: Actor; input: ConnectorRefInput }): Promise<{ deleted: true }> {
  assertCan(actor, "connector.write");
  const { connectorId } = parseInput(connectorRefInputSchema, input, "connector reference");
  const { count } = await deps.db.connector.deleteMany({ where: { id: connectorId, tenantId: actor.tenantId } });
  if (count === 0) throw new CoreError("NOT_FOUND", `No connector ${connectorId}`);
  deps.logger.info({ tenantId: actor.tenantId, connectorId, by: actor.label }, "connector deleted");
  return { deleted: true };
}
