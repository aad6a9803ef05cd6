import type { ApprovalPreference, TargetType } from "@leash/db";

import { describeScope, mostSpecificRule } from "../rules/most-specific-rule.ts";

export interface AutoApprovalDecision {
  autoApprove: boolean;
  preference: ApprovalPreference | null;
}

/** The preference that applies (the most specific one); without one, a person decides. */
export function resolveAutoApproval(
  preferences: readonly ApprovalPreference[],
  action: { actionType: string; targetType: TargetType | null },
): AutoApprovalDecision {
  const preference = mostSpecificRule(preferences, action);
  return { autoApprove: preference?.autoApprove ?? false, preference };
}

export function describePreference(preference: Pick<ApprovalPreference, "actionType" | "targetType">): string {
  return describeScope(preference);
}
