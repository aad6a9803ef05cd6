import type { DbTransaction, Db } from "@leash/db";

import { CoreError } from "../errors.ts";
import { actionFromRow } from "./action-columns.ts";
import { approvalsInclude, type ActionWithApprovals } from "../decisions/action-approvals.ts";
import type { DutiesFacts } from "../decisions/check-separation-of-duties.ts";
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
 * Locks an action's row for the rest of the caller's transaction and reads, in the same statement,
 * the action and the facts separation of duties needs; then its approvals (oldest first), in a
 * statement of their own. That one must start after the lock is held: a statement sees the data of
 * its start, so approvals read by the locking statement itself would miss the one a concurrent
 * approver committed while this transaction waited for the lock, and two approvers of a quorum of
 * two would each count one.
 */
export async function lockActionWithApprovals(
  tx: DbTransaction,
  tenantId: string,
  actionId: number,
): Promise<ActionWithApprovals & { duties: DutiesFacts }> {
  const [row] = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT a.*,
      (SELECT separation_of_duties FROM approval_policy WHERE id = a.policy_id) AS "policySeparationOfDuties",
      (SELECT owner_id FROM api_key WHERE id = a.api_key_id) AS "proposerKeyOwnerId"
    FROM agent_action a WHERE a.id = ${actionId} AND a.tenant_id = ${tenantId}::uuid FOR UPDATE OF a`;
  if (!row) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
  const approvals = await tx.actionApproval.findMany({ where: { actionId }, ...approvalsInclude.approvals });
  const separationOfDuties = row.policySeparationOfDuties;
  const owner = row.proposerKeyOwnerId;
  return {
    ...actionFromRow(row),
    approvals,
    duties: {
      separationOfDuties: typeof separationOfDuties === "boolean" ? separationOfDuties : true,
      proposerKeyOwnerId: typeof owner === "string" ? owner : null,
    },
  };
}
