import { Prisma, sqlFor, type Db, type DbTransaction } from "@leash/db";

import { CoreError } from "../errors.ts";
import { actionWithApprovalsColumns, actionWithApprovalsFromRow, type ActionWithApprovals } from "../decisions/action-approvals.ts";
import { describeDecision } from "./action-view.ts";

/** The tenant's action with its approvals, in one statement (every wait reads it again after each change); NOT_FOUND when it has none by that id. */
export async function findActionOrThrow(db: Db | DbTransaction, tenantId: string, actionId: number): Promise<ActionWithApprovals> {
  const [row] = await sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
    SELECT ${actionWithApprovalsColumns} FROM agent_action a WHERE a.id = ${actionId} AND a.tenant_id = ${tenantId}::uuid`);
  if (!row) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
  return actionWithApprovalsFromRow(row);
}

/** The error for a conditional update that changed nothing: the action is gone, or someone got there first. */
export async function lostRaceError(db: Db | DbTransaction, tenantId: string, actionId: number): Promise<CoreError> {
  const action = await findActionOrThrow(db, tenantId, actionId);
  return new CoreError("CONFLICT", describeDecision(action));
}
