import type { ApprovalPolicy, DbTransaction, Prisma, TargetType } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import { policyDeadlines } from "../deadlines/policy-deadlines.ts";
import { DEFAULT_REQUIRED_APPROVALS, resolvePolicy } from "./resolve-policy.ts";

/** Whether the outcome of an action of this type depends on its target's current state, so that a later change makes an approval stale. */
const dependsOnTarget = (actionType: string) => Boolean(findActionType(actionType)?.changesItem);

/**
 * The policy columns of proposals that wait for a person: the policy in force and its quorum,
 * copied so that a later edit of the policy does not change the rules for actions already waiting,
 * the target's version, so that execution can tell whether it changed after the proposal, and
 * when the action is reminded about, escalated and expires (counted from `now`, the proposal).
 * Auto-approved proposals get nothing (no query is made when every proposal is auto-approved).
 */
export async function snapshotPolicies(
  tx: DbTransaction,
  tenantId: string,
  policies: readonly ApprovalPolicy[],
  proposals: readonly { actionType: string; targetType?: TargetType | undefined; targetId?: number | undefined; pending: boolean }[],
  now: Date,
): Promise<Partial<Prisma.AgentActionCreateManyInput>[]> {
  if (!proposals.some((proposal) => proposal.pending)) return proposals.map(() => ({}));
  const targetIds = [
    ...new Set(
      proposals.flatMap((proposal) => (proposal.pending && dependsOnTarget(proposal.actionType) && proposal.targetId !== undefined ? [proposal.targetId] : [])),
    ),
  ];
  const items = targetIds.length ? await tx.item.findMany({ where: { tenantId, id: { in: targetIds } }, select: { id: true, version: true } }) : [];
  const versions = new Map(items.map((item) => [item.id, item.version]));
  return proposals.map((proposal) => {
    // Rows are written in one statement with a common column list: a NOT NULL column must be set on every row.
    if (!proposal.pending) return { requiredApprovals: DEFAULT_REQUIRED_APPROVALS };
    const policy = resolvePolicy(policies, { actionType: proposal.actionType, targetType: proposal.targetType ?? null });
    const targetVersion = dependsOnTarget(proposal.actionType) && proposal.targetId !== undefined ? versions.get(proposal.targetId) : undefined;
    return {
      policyId: policy?.id ?? null,
      requiredApprovals: policy?.requiredApprovals ?? DEFAULT_REQUIRED_APPROVALS,
      targetVersion: targetVersion ?? null,
      ...policyDeadlines(policy, now),
    };
  });
}
