import type { ApprovalPolicy, ApprovalPreference, TargetType } from "@leash/db";

import { resolvePolicy } from "../policies/resolve-policy.ts";
import { describePreference, resolveAutoApproval } from "../preferences/resolve-auto-approval.ts";
import { actionReversibility } from "../presentation/action-presentation.ts";

/**
 * Why a trust-ramp grant may not stand in for a person on this action, or null when it may. A grant
 * replaces one approver's judgement on what can be undone, so never: what cannot be undone, an
 * action whose policy asks for more than one approver, or one an approval preference keeps for
 * people (`autoApprove: false`). Asked when a grant is made and again at every proposal it covers,
 * since policies, preferences and parameters differ from one to the next. `subject` names the
 * action in the sentence ("it", "#12").
 */
export function trustRefusal({
  action,
  preferences,
  policies,
  subject,
}: {
  action: { actionType: string; targetType: TargetType | null; parameters: unknown };
  preferences: readonly ApprovalPreference[];
  policies: readonly ApprovalPolicy[];
  subject: string;
}): string | null {
  const reversibility = actionReversibility(action);
  if (!reversibility.reversible) return `${subject} cannot be undone (${reversibility.explanation})`;
  const policy = resolvePolicy(policies, action);
  if (policy && policy.requiredApprovals > 1)
    return `its policy requires ${policy.requiredApprovals} approvals`;
  const { preference } = resolveAutoApproval(preferences, action);
  if (preference && !preference.autoApprove)
    return `an approval preference says a person decides ${describePreference(preference)}`;
  return null;
}
