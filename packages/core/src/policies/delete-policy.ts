import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { deletePolicyInputSchema, type DeletePolicyInput } from "./policy-inputs.ts";

/** Removes a policy; its scope falls back to a less specific policy, or to one approver with separation of duties. */
export async function deletePolicy(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: DeletePolicyInput }): Promise<{ deleted: true }> {
  assertCan(actor, "policy.write");
  const { policyId } = parseInput(deletePolicyInputSchema, input, "policy reference");
  const { count } = await deps.db.approvalPolicy.deleteMany({ where: { id: policyId, tenantId: actor.tenantId } });
  if (count === 0) throw new CoreError("NOT_FOUND", `No policy ${policyId}`);
  return { deleted: true };
}
