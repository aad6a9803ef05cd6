import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { setPolicyInputSchema, type PolicyView, type SetPolicyInput } from "./policy-inputs.ts";
import { toPolicyView, withEscalateTo } from "./policy-view.ts";

/**
 * Sets the approval policy of a scope (an action type, optionally one target type), replacing the
 * scope's earlier policy in place: actions already waiting keep the figures they were proposed with.
 */
export async function setPolicy(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: SetPolicyInput }): Promise<PolicyView> {
  assertCan(actor, "policy.write");
  const parsed = parseInput(setPolicyInputSchema, input, "policy");
  const escalateToUserId = parsed.escalateToUserId ?? null;
  if (escalateToUserId !== null) {
    const backup = await deps.db.user.findFirst({ where: { id: escalateToUserId, tenantId: actor.tenantId }, select: { role: true, name: true } });
    const refuse = (message: string) => new CoreError("INVALID", `Invalid policy: escalateToUserId: ${message}`, { issues: [{ path: ["escalateToUserId"], message }] });
    if (!backup) throw refuse("no such user in this tenant");
    if (backup.role === "viewer") throw refuse(`${backup.name} is a viewer and cannot approve`);
  }
  const scope = { tenantId: actor.tenantId, actionType: parsed.actionType, targetType: parsed.targetType ?? null };
  const figures = {
    requiredApprovals: parsed.requiredApprovals,
    separationOfDuties: parsed.separationOfDuties,
    expiresAfterSeconds: parsed.expiresAfterSeconds ?? null,
    remindAfterSeconds: parsed.remindAfterSeconds ?? null,
    escalateAfterSeconds: parsed.escalateAfterSeconds ?? null,
    escalateToUserId,
    expiryFallback: parsed.expiryFallback,
    autoApproveBudgetPerHour: parsed.autoApproveBudgetPerHour ?? null,
  };
  const policy = await deps.db.$transaction(async (tx) => {
    // Serialises writers of one tenant's policies, so a scope never ends up with two.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`policies:${actor.tenantId}`}))`;
    const existing = await tx.approvalPolicy.findFirst({ where: scope, select: { id: true } });
    return existing
      ? tx.approvalPolicy.update({ where: { id: existing.id }, data: figures, include: withEscalateTo })
      : tx.approvalPolicy.create({ data: { ...scope, ...figures }, include: withEscalateTo });
  });
  return toPolicyView(policy);
}
