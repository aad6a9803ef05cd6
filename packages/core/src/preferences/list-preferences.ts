import type { ApprovalPreference } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import type { PreferenceView } from "./preference-inputs.ts";
import { describePreference } from "./resolve-auto-approval.ts";

export function toPreferenceView(preference: ApprovalPreference): PreferenceView {
  const what = describePreference(preference);
  return {
    id: preference.id,
    actionType: preference.actionType,
    targetType: preference.targetType,
    autoApprove: preference.autoApprove,
    description: preference.autoApprove ? `${what} runs without a person` : `${what} waits for a person`,
    updatedAt: preference.updatedAt.toISOString(),
  };
}

export async function listPreferences(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<PreferenceView[]> {
  assertCan(actor, "preference.read");
  const preferences = await deps.db.approvalPreference.findMany({
    where: { tenantId: actor.tenantId },
    orderBy: [{ actionType: "asc" }, { targetType: "asc" }],
  });
  return preferences.map(toPreferenceView);
}
