import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { failDependents } from "../execution/fail-dependents.ts";
import { wakeWaitingOn } from "../execution/waiting-on.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { parseInput } from "../validation.ts";
import { rejectActionInputSchema, type RejectActionInput } from "../actions/action-inputs.ts";
import { toActionView, type ActionView } from "../actions/action-view.ts";
import { findActionOrThrow, lostRaceError } from "../actions/find-action.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";

/** Rejects a pending action; the reason is required and kept with the action and its timeline. */
export async function rejectAction(
  deps: Pick<CoreDeps, "db" | "clock" | "queue" | "logger">,
  { actor, input }: { actor: Actor; input: RejectActionInput },
): Promise<ActionView> {
  assertCan(actor, "action.decide");
  const { actionId, reason } = parseInput(rejectActionInputSchema, input, "rejection");
  const now = deps.clock.now();
  const { rejected, stopped } = await deps.db.$transaction(async (tx) => {
    const won = await transitionAction(tx, {
      id: actionId,
      tenantId: actor.tenantId,
      from: ["pending"],
      to: "rejected",
      data: { rejectedAt: now, rejectionReason: reason, decidedByLabel: actor.label, updatedAt: now },
    });
    if (!won) throw await lostRaceError(tx, actor.tenantId, actionId);
    await recordEvent(tx, { tenantId: actor.tenantId, actionId, type: "rejected", actor, details: { reason } });
    const rejected = await findActionOrThrow(tx, actor.tenantId, actionId);
    // Later template steps waiting for this one can never run now.
    return { rejected, stopped: await failDependents(tx, rejected, now) };
  });
  await wakeWaitingOn(deps, stopped);
  await publishActionEvents(deps, [rejected], "rejected");
  await publishActionEvents(deps, stopped, "failed");
  return toActionView(rejected);
}
