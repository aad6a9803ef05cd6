import { z } from "zod";

import { Prisma, type ActionApproval, type AgentAction } from "@leash/db";

import { actionFromRow } from "../actions/action-columns.ts";

/** What an action view shows of each approval. */
export type ApprovalRow = Pick<ActionApproval, "approverLabel" | "createdAt">;

/** An action with its approvals, as the view needs it; load with `include: approvalsInclude`. */
export type ActionWithApprovals = AgentAction & { approvals: readonly ApprovalRow[] };

/** The Prisma include that loads what the view shows of an action's approvals, oldest first. */
export const approvalsInclude = {
  approvals: { select: { approverLabel: true, createdAt: true }, orderBy: { createdAt: "asc" } },
} as const;

/**
 * The columns of a statement over `agent_action a` that read an action with its approvals as
 * `approvalsInclude` loads them (oldest first), in the one statement, where the model API's
 * `include` costs a second; `actionWithApprovalsFromRow` maps its row.
 */
export const actionWithApprovalsColumns = Prisma.sql`a.*, (
  SELECT coalesce(json_agg(json_build_object('approverLabel', p.approver_label, 'createdAt', p.created_at) ORDER BY p.created_at), '[]')
  FROM action_approval p WHERE p.action_id = a.id
) AS approvals`;

const approvalRowsSchema = z.array(z.object({ approverLabel: z.string(), createdAt: z.coerce.date() }));

export function actionWithApprovalsFromRow(row: Record<string, unknown>): ActionWithApprovals {
  // Most actions have no approval to read; the action's fields are not copied again (an export maps a hundred thousand rows).
  const approvals = Array.isArray(row.approvals) && row.approvals.length === 0 ? [] : approvalRowsSchema.parse(row.approvals);
  return Object.assign(actionFromRow(row), { approvals });
}

/** A freshly written action has no approvals yet. */
export function withNoApprovals(action: AgentAction): ActionWithApprovals {
  return { ...action, approvals: [] };
}

export const approvalsViewSchema = z.object({
  /** Distinct approvals so far. */
  count: z.int(),
  /** Approvals the action's policy requires (its quorum). */
  required: z.int(),
  approvers: z.array(z.object({ label: z.string(), approvedAt: z.iso.datetime() })),
});
export type ApprovalsView = z.infer<typeof approvalsViewSchema>;

export function toApprovalsView(action: ActionWithApprovals): ApprovalsView {
  return {
    count: action.approvals.length,
    required: action.requiredApprovals,
    approvers: action.approvals.map((approval) => ({ label: approval.approverLabel, approvedAt: approval.createdAt.toISOString() })),
  };
}

/** "1 of 2 approvals": the quorum's progress as people read it. */
export function describeApprovals(approvals: ApprovalsView): string {
  return `${approvals.count} of ${approvals.required} approval${approvals.required === 1 ? "" : "s"}`;
}
