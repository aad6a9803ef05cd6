import type { AgentAction, Db, DbTransaction } from "@leash/db";

import type { Clock } from "../clock.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { findTargetProblems, targetProblemError } from "./check-targets.ts";
import type { JsonObject } from "./json.ts";
import { proposeActionInputSchema } from "./proposal-schema.ts";

/**
 * Validates parameters an approver edited exactly as a new proposal of the same action would be
 * (the type's schema, the item kind's fields, the items it names), and answers them as stored.
 */
export async function checkEditedParameters(
  deps: { db: Db | DbTransaction; clock: Clock },
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
  return proposal.parameters as JsonObject;
}
