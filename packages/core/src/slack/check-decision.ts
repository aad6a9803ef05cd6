import type { Actor } from "../actor.ts";
import { actionRefInputSchema } from "../actions/action-inputs.ts";
import { describeDecision, toActionView, type ActionView } from "../actions/action-view.ts";
import { findActionOrThrow } from "../actions/find-action.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";

/**
 * Whether the actor could decide on the action right now, asked before collecting a rejection
 * reason so nobody types one in vain. Refuses exactly as approveAction and rejectAction would;
 * those still decide for real, since anything may change in between.
 */
export async function checkDecision(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: { actionId: number } },
): Promise<ActionView> {
  assertCan(actor, "action.decide");
  const { actionId } = parseInput(actionRefInputSchema, input, "action reference");
  const action = await findActionOrThrow(deps.db, actor.tenantId, actionId);
  if (action.status !== "pending") throw new CoreError("CONFLICT", describeDecision(action));
  return toActionView(action);
}
