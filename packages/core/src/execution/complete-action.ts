import type { Actor } from "../actor.ts";
import { findActionType } from "../action-types/action-type-registry.ts";
import { completeActionInputSchema, type CompleteActionInput } from "../actions/action-inputs.ts";
import { toActionView, type ActionView } from "../actions/action-view.ts";
import { findActionOrThrow, lostRaceError } from "../actions/find-action.ts";
import { proposedBy } from "../actions/proposed-by.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { parseInput } from "../validation.ts";

/**
 * Records what an agent reports after carrying out an approved action of a type it performs
 * itself (`external`): executed with its result, or failed with its error. Only who proposed it
 * may report, once, and only after the approval.
 */
export async function completeAction(
  deps: Pick<CoreDeps, "db" | "clock" | "queue" | "logger">,
  { actor, input }: { actor: Actor; input: CompleteActionInput },
): Promise<ActionView> {
  const report = parseInput(completeActionInputSchema, input, "report");
  const now = deps.clock.now();
  const completed = await deps.db.$transaction(async (tx) => {
    const action = await findActionOrThrow(tx, actor.tenantId, report.actionId);
    if (findActionType(action.actionType)?.performedBy !== "agent") {
      throw new CoreError("INVALID", `#${action.id} is a ${action.actionType} action, which the worker carries out; only actions an agent performs itself are reported`);
    }
    if (!proposedBy(action, actor)) throw new CoreError("FORBIDDEN", `Only who proposed #${action.id} (${action.proposerLabel}) may report its outcome`);
    if (action.status === "pending") throw new CoreError("CONFLICT", `#${action.id} has not been approved yet: wait for the decision before running it`);
    const succeeded = report.outcome === "succeeded";
    const won = await transitionAction(tx, {
      id: action.id,
      tenantId: actor.tenantId,
      from: ["approved"],
      to: succeeded ? "executed" : "failed",
      data: succeeded
        ? { executedAt: now, result: report.result ?? {}, attempts: 1, updatedAt: now }
        : { errorMessage: report.error ?? null, ...(report.result ? { result: report.result } : {}), attempts: 1, updatedAt: now },
    });
    if (!won) throw await lostRaceError(tx, actor.tenantId, action.id);
    await recordEvent(tx, {
      tenantId: actor.tenantId,
      actionId: action.id,
      type: succeeded ? "executed" : "failed",
      actor,
      details: succeeded ? { reported: true, result: report.result ?? {} } : { reported: true, error: report.error ?? null, permanent: true },
    });
    return findActionOrThrow(tx, actor.tenantId, action.id);
  });
  await publishActionEvents(deps, [completed], completed.status === "executed" ? "executed" : "failed");
  return toActionView(completed);
}
