import type { Actor } from "../actor.ts";
import { can } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { failDependents } from "../execution/fail-dependents.ts";
import { wakeWaitingOn } from "../execution/waiting-on.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { parseInput } from "../validation.ts";
import { cancelActionInputSchema, type CancelActionInput } from "../actions/action-inputs.ts";
import { toActionView, type ActionView } from "../actions/action-view.ts";
import { findActionOrThrow, lostRaceError } from "../actions/find-action.ts";
import { proposedBy } from "../actions/proposed-by.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";

/**
 * Cancels an action that no worker has claimed yet (pending, or approved and waiting in the queue).
 * Approvers and admins may cancel any action; anyone may cancel what they proposed.
 */
export async function cancelAction(
  deps: Pick<CoreDeps, "db" | "clock" | "queue" | "logger">,
  { actor, input }: { actor: Actor; input: CancelActionInput },
): Promise<ActionView> {
  const { actionId, reason } = parseInput(cancelActionInputSchema, input, "cancellation");
  const now = deps.clock.now();
  const { cancelled, stopped } = await deps.db.$transaction(async (tx) => {
    const current = await findActionOrThrow(tx, actor.tenantId, actionId);
    if (!can(actor, "action.cancel_any") && !proposedBy(current, actor)) {
      throw new CoreError("FORBIDDEN", `${actor.label} may only cancel actions it proposed`);
    }
    const won = await transitionAction(tx, {
      id: actionId,
      tenantId: actor.tenantId,
      from: ["pending", "approved"],
      to: "cancelled",
      data: { cancelledAt: now, updatedAt: now },
    });
    if (!won) throw await lostRaceError(tx, actor.tenantId, actionId);
    await recordEvent(tx, { tenantId: actor.tenantId, actionId, type: "cancelled", actor, details: reason ? { reason } : {} });
    const cancelled = await findActionOrThrow(tx, actor.tenantId, actionId);
    // Later template steps (or undos of a cascade) waiting for this one can never run now.
    return { cancelled, stopped: await failDependents(tx, cancelled, now) };
  });
  // A cancelled approved action no longer holds up the next one on its target.
  await wakeWaitingOn(deps, [cancelled, ...stopped]);
  await publishActionEvents(deps, [cancelled], "cancelled");
  await publishActionEvents(deps, stopped, "failed");
  return toActionView(cancelled);
}
