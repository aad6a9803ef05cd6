import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { grantProposerInclude, toGrantView } from "./grant-view.ts";
import { grantRefInputSchema, type AutoApprovalGrantView, type GrantRefInput } from "./trust-inputs.ts";

/** An approver or admin ends a grant before it expires: it is kept, suspended, with who revoked it. */
export async function revokeAutoApprovalGrant(
  deps: Pick<CoreDeps, "db" | "clock">,
  { actor, input }: { actor: Actor; input: GrantRefInput },
): Promise<AutoApprovalGrantView> {
  assertCan(actor, "action.decide");
  const { grantId } = parseInput(grantRefInputSchema, input, "grant reference");
  const now = deps.clock.now();
  const { count } = await deps.db.autoApprovalGrant.updateMany({
    where: { id: grantId, tenantId: actor.tenantId, suspendedAt: null },
    data: { suspendedAt: now, suspendedReason: `revoked by ${actor.label}` },
  });
  const grant = await deps.db.autoApprovalGrant.findFirst({
    where: { id: grantId, tenantId: actor.tenantId },
    include: grantProposerInclude,
  });
  if (!grant) throw new CoreError("NOT_FOUND", "No such auto-approval grant");
  if (count === 0)
    throw new CoreError(
      "CONFLICT",
      `This auto-approval was already suspended: ${grant.suspendedReason ?? ""}`,
    );
  return toGrantView(grant, now);
}
