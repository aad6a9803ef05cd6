import type { ApprovalPolicy, TargetType } from "@leash/db";

import { mostSpecificRule } from "../rules/most-specific-rule.ts";

/** What applies without any policy: one approver, who may not be the proposer. */
export const DEFAULT_REQUIRED_APPROVALS = 1;

/** The policy that governs an action: the most specific one, as for preferences; null means the defaults. */
export function resolvePolicy(
  policies: readonly ApprovalPolicy[],
  action: { actionType: string; targetType: TargetType | null },
): ApprovalPolicy | null {
  return mostSpecificRule(policies, action);
}
