import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { actionRefInputSchema } from "../actions/action-inputs.ts";
import { describeDecision, toActionView, type ActionView } from "../actions/action-view.ts";
import { checkSeparationOfDuties } from "./check-separation-of-duties.ts";
import { findActionOrThrow } from "../actions/find-action.ts";

/**
 * Whether the actor could approve the action right now, asked before opening a form to edit its
 * parameters so nobody edits in vain. Refuses exactly as approveAction would (role, state,
 * separation of duties); approveAction still decides for real, since anything may change in between.
 */
export async function checkApproval(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: { actionId: number } }): Promise<ActionView> {
  assertCan(actor, "action.decide");
  const { actionId } = parseInput(actionRefInputSchema, input, "action reference");
  const action = await findActionOrThrow(deps.db, actor.tenantId, actionId);
  if (action.status !== "pending") throw new CoreError("CONFLICT", describeDecision(action));
  await checkSeparationOfDuties(deps.db, action, actor);
  return toActionView(action);
}
