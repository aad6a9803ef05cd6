import type { ActionType, ApprovalPreference, TargetType } from "@leash/db";

export interface AutoApprovalDecision {
  autoApprove: boolean;
  preference: ApprovalPreference | null;
}

/**
 * The most specific preference wins: one for this action type and target type, else one for the
 * action type on any target. Without a matching preference, a person decides.
 */
export function resolveAutoApproval(
  preferences: readonly ApprovalPreference[],
  action: { actionType: ActionType; targetType: TargetType | null },
): AutoApprovalDecision {
  const forType = preferences.filter((preference) => preference.actionType === action.actionType);
  const specific = forType.find((preference) => preference.targetType !== null && preference.targetType === action.targetType);
  const general = forType.find((preference) => preference.targetType === null);
  const preference = specific ?? general ?? null;
  return { autoApprove: preference?.autoApprove ?? false, preference };
}

export function describePreference(preference: Pick<ApprovalPreference, "actionType" | "targetType">): string {
  return `${preference.actionType} on ${preference.targetType ?? "any target"}`;
}
