import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { parseInput } from "../validation.ts";
import { actionRefInputSchema } from "./action-inputs.ts";
import { toActionView, type ActionView } from "./action-view.ts";
import { enqueueApproved } from "./enqueue-approved.ts";
import { findActionOrThrow, lostRaceError } from "./find-action.ts";
import { recordEvent } from "./record-event.ts";
import { transitionAction } from "./transition-action.ts";

/** A person (or an approver key) approves a pending action; it is queued for execution at once. */
export async function approveAction(
  deps: CoreDeps,
  { actor, input }: { actor: Actor; input: { actionId: number } },
): Promise<ActionView> {
  assertCan(actor, "action.decide");
  const { actionId } = parseInput(actionRefInputSchema, input, "approval");
  const now = deps.clock.now();
  const action = await deps.db.$transaction(async (tx) => {
    const won = await transitionAction(tx, {
      id: actionId,
      tenantId: actor.tenantId,
      from: ["pending"],
      to: "approved",
      data: {
        approvedBy: actor.kind === "user" ? actor.userId : null,
        approvedAt: now,
        decidedByLabel: actor.label,
        updatedAt: now,
      },
    });
    if (!won) throw await lostRaceError(tx, actor.tenantId, actionId);
    await recordEvent(tx, { tenantId: actor.tenantId, actionId, type: "approved", actor });
    return findActionOrThrow(tx, actor.tenantId, actionId);
  });
  await enqueueApproved(deps, [action]);
  await publishActionEvents(deps, [action], "approved");
  return toActionView(action);
}
