import type { AgentAction, Db, DbTransaction } from "@leash/db";

import { actionServices, type CoreDeps } from "../deps.ts";
import type { Clock } from "../clock.ts";
import { prepareProposals } from "../proposals/prepare-proposals.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { findTargetProblems, targetProblemError } from "../proposals/check-targets.ts";
import type { JsonObject } from "../actions/json.ts";
import { proposeActionInputSchema } from "../proposals/proposal-schema.ts";

/**
 * Validates parameters an approver edited exactly as a new proposal of the same action would be
 * (the type's schema, the item kind's fields, the items it names), and answers them as stored.
 */
export async function checkEditedParameters(
  deps: { db: Db | DbTransaction; clock: Clock } & Pick<CoreDeps, "connectorKey" | "delivery">,
  action: AgentAction,
  parameters: Record<string, unknown>,
): Promise<JsonObject> {
  // Their placeholders are filled in when they run, or they restore a saved state: nothing to edit.
  if (action.stepTemplate !== null) throw new CoreError("INVALID", `#${action.id} is a template step; edit the template instead`);
  if (action.rollbackOfId !== null) throw new CoreError("INVALID", `#${action.id} is an undo action; its parameters cannot be edited`);
  const proposal = parseInput(
    proposeActionInputSchema,
    {
      actionType: action.actionType,
      ...(action.targetType !== null ? { targetType: action.targetType } : {}),
      ...(action.targetId !== null ? { targetId: action.targetId } : {}),
      parameters,
    },
    "edited parameters",
  );
  const problem = targetProblemError(await findTargetProblems(deps, action.tenantId, [proposal]), { batch: false });
  if (problem) throw problem;
  const [prepared] = await prepareProposals({ db: deps.db, tenantId: action.tenantId, now: deps.clock.now(), services: actionServices(deps) }, [proposal]);
  return prepared?.parameters ?? proposal.parameters;
}
