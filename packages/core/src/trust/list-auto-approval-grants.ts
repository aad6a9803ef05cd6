import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { grantProposerInclude, toGrantView } from "./grant-view.ts";
import type { AutoApprovalGrantView } from "./trust-inputs.ts";

/** The tenant's trust-ramp grants, newest first: active ones, and expired or suspended ones for the record. */
export async function listAutoApprovalGrants(
  deps: Pick<CoreDeps, "db" | "clock">,
  { actor }: { actor: Actor },
): Promise<AutoApprovalGrantView[]> {
  assertCan(actor, "preference.read");
  const grants = await deps.db.autoApprovalGrant.findMany({
    where: { tenantId: actor.tenantId },
    include: grantProposerInclude,
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: 500,
  });
  const now = deps.clock.now();
  return grants.map((grant) => toGrantView(grant, now));
}
