import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { toPreferenceView } from "./list-preferences.ts";
import { setPreferenceInputSchema, type PreferenceView, type SetPreferenceInput } from "./preference-inputs.ts";

/** Sets auto-approval for an action type (optionally one target type), replacing any earlier rule for the same scope. */
export async function setPreference(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: SetPreferenceInput },
): Promise<PreferenceView> {
  assertCan(actor, "preference.write");
  const { actionType, targetType, autoApprove } = parseInput(setPreferenceInputSchema, input, "preference");
  const scope = { tenantId: actor.tenantId, actionType, targetType: targetType ?? null };
  const preference = await deps.db.$transaction(async (tx) => {
    // Serialises writers of one tenant's preferences, so a scope never ends up with two rules.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`preferences:${actor.tenantId}`}))`;
    await tx.approvalPreference.deleteMany({ where: scope });
    return tx.approvalPreference.create({ data: { ...scope, autoApprove } });
  });
  return toPreferenceView(preference);
}
