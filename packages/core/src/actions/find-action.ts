import type { DbTransaction, Db } from "@leash/db";

import { CoreError } from "../errors.ts";
import { approvalsInclude, type ActionWithApprovals } from "../decisions/action-approvals.ts";
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
