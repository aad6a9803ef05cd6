import { z } from "zod";

import type { DbTransaction, Db } from "@leash/db";

import { CoreError } from "../errors.ts";
import { actionFromRow } from "./action-columns.ts";
import { approvalsInclude, type ActionWithApprovals } from "./action-approvals.ts";
import type { DutiesFacts } from "./check-separation-of-duties.ts";
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

const lockedApprovalsSchema = z.array(z.object({ approverLabel: z.string(), createdAt: z.coerce.date() }));

/**
 * Locks an action's row for the rest of the caller's transaction and reads, in the same statement,
 * the action, its approvals (oldest first) and the facts separation of duties needs.
 */
export async function lockActionWithApprovals(
  tx: DbTransaction,
  tenantId: string,
  actionId: number,
): Promise<ActionWithApprovals & { duties: DutiesFacts }> {
  const [row] = await tx.$queryRaw<Record<string, unknown>[]>`
    SELECT a.*,
      (SELECT coalesce(json_agg(json_build_object('approverLabel', p.approver_label, 'createdAt', p.created_at) ORDER BY p.created_at), '[]')
       FROM action_approval p WHERE p.action_id = a.id) AS "lockedApprovals",
      (SELECT separation_of_duties FROM approval_policy WHERE id = a.policy_id) AS "policySeparationOfDuties",
      (SELECT owner_id FROM api_key WHERE id = a.api_key_id) AS "proposerKeyOwnerId"
    FROM agent_action a WHERE a.id = ${actionId} AND a.tenant_id = ${tenantId}::uuid FOR UPDATE OF a`;
  if (!row) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
  const separationOfDuties = row.policySeparationOfDuties;
  const owner = row.proposerKeyOwnerId;
  return {
    ...actionFromRow(row),
    approvals: lockedApprovalsSchema.parse(row.lockedApprovals),
    duties: {
      separationOfDuties: typeof separationOfDuties === "boolean" ? separationOfDuties : true,
      proposerKeyOwnerId: typeof owner === "string" ? owner : null,
    },
  };
}
