import type { ApprovalPolicy } from "@leash/db";

import { describeScope } from "../rules/most-specific-rule.ts";
import { formatDuration } from "./policy-duration.ts";
import type { PolicyView } from "./policy-inputs.ts";

/** The policy in one sentence, for the console and the API. */
export function describePolicy(policy: ApprovalPolicy, escalateToName: string | null): string {
  const parts = [
    `${describeScope(policy)} needs ${policy.requiredApprovals === 1 ? "1 approver" : `${policy.requiredApprovals} distinct approvers`}`,
    policy.separationOfDuties ? "the proposer may not approve" : "the proposer may approve",
  ];
  if (policy.remindAfterSeconds !== null) parts.push(`reminder after ${formatDuration(policy.remindAfterSeconds)}`);
  if (policy.escalateAfterSeconds !== null) parts.push(`escalated to ${escalateToName ?? "a backup approver"} after ${formatDuration(policy.escalateAfterSeconds)}`);
  if (policy.expiresAfterSeconds !== null) {
    parts.push(`${policy.expiryFallback === "auto_approve" ? "auto-approved" : "rejected"} if undecided after ${formatDuration(policy.expiresAfterSeconds)}`);
  }
  if (policy.autoApproveBudgetPerHour !== null) parts.push(`at most ${policy.autoApproveBudgetPerHour} auto-approved per hour`);
  return parts.join("; ");
}

export function toPolicyView(policy: ApprovalPolicy & { escalateTo: { id: string; name: string } | null }): PolicyView {
  return {
    id: policy.id,
    actionType: policy.actionType,
    targetType: policy.targetType,
    requiredApprovals: policy.requiredApprovals,
    separationOfDuties: policy.separationOfDuties,
    expiresAfterSeconds: policy.expiresAfterSeconds,
    remindAfterSeconds: policy.remindAfterSeconds,
    escalateAfterSeconds: policy.escalateAfterSeconds,
    escalateTo: policy.escalateTo ? { id: policy.escalateTo.id, name: policy.escalateTo.name } : null,
    expiryFallback: policy.expiryFallback,
    autoApproveBudgetPerHour: policy.autoApproveBudgetPerHour,
    description: describePolicy(policy, policy.escalateTo?.name ?? null),
    updatedAt: policy.updatedAt.toISOString(),
  };
}

/** Loads the backup approver's name along with each policy. */
export const withEscalateTo = { escalateTo: { select: { id: true, name: true } } } as const;
