import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import type { PolicyView } from "./policy-inputs.ts";
import { toPolicyView, withEscalateTo } from "./policy-view.ts";

/** The tenant's approval policies. Readable by every role, so agents can tell how their proposals will be decided. */
export async function listPolicies(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<PolicyView[]> {
  assertCan(actor, "policy.read");
  const policies = await deps.db.approvalPolicy.findMany({
    where: { tenantId: actor.tenantId },
    include: withEscalateTo,
    orderBy: [{ actionType: "asc" }, { targetType: "asc" }],
  });
  return policies.map(toPolicyView);
}
