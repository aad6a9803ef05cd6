import type { DbTransaction, Db } from "@leash/db";

import { CoreError } from "../errors.ts";
import { actionFromRow } from "./action-columns.ts";
import { approvalsInclude, type ActionWithApprovals } from "./action-approvals.ts";
import { describeDecision } from "./action-view.ts";

export async function findActionOrThrow(db: Db | DbTransaction, tenantId: string, actionId: number): Promise<ActionWithApprovals> {
  const action = await db.agentAction.findFirst({ where: { id: actionId, tenantId }, include: approvalsInclude });
  if (!action) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
  return action;
}

/** The error for a conditional update that changed nothing: the action is gone, or someone got there first. */
export async function lostRaceError(db: Db | DbTransaction, tenantId: string, actionId: number): Promise<CoreError> {
  const action = await findActionOrThrow(db, tenantId, actionId);
  return new CoreError("CONFLICT", describeDecision(action));
}

/**
 * Locks an action's row for the rest of the caller's transaction and reads it with its approvals:
 * the lock and the read are one statement.
 */
export async function lockActionWithApprovals(tx: DbTransaction, tenantId: string, actionId: number): Promise<ActionWithApprovals> {
  const [row] = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT * FROM agent_action WHERE id = ${actionId} AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
  if (!row) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
  const approvals = await tx.actionApproval.findMany({ where: { actionId }, ...approvalsInclude.approvals });
  return { ...actionFromRow(row), approvals };
}
