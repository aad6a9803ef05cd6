import type { TargetType } from "@leash/db";

/** A tenant rule scoped to an action type and, optionally, one target type (null: every target type). */
export interface ScopedRule {
  actionType: string;
  targetType: TargetType | null;
}

/**
 * The most specific rule wins: one for this action type and target type, else one for the action
 * type on any target; null when none applies. Preferences and policies are both resolved this way.
 */
export function mostSpecificRule<R extends ScopedRule>(rules: readonly R[], action: { actionType: string; targetType: TargetType | null }): R | null {
  const forType = rules.filter((rule) => rule.actionType === action.actionType);
  const specific = forType.find((rule) => rule.targetType !== null && rule.targetType === action.targetType);
  return specific ?? forType.find((rule) => rule.targetType === null) ?? null;
}

export function describeScope(rule: ScopedRule): string {
  return `${rule.actionType} on ${rule.targetType ?? "any target"}`;
}
