import type { AgentAction } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import type { CoreDeps } from "../deps.ts";

/**
 * Hands approved actions to the queue after their transaction committed. If Redis is unreachable
 * the actions stay approved in Postgres, and the worker's reconciler enqueues them later: the
 * caller's request has still succeeded.
 *
 * An action that waited for a decision (a person's, a quorum's, a batch's, its expiry's) and an undo
 * someone confirmed go ahead of the jobs already waiting: they have waited once already, often while
 * someone watches, where the auto-approved actions agents keep proposing have not. Order on a target
 * does not depend on the queue (the worker's claim keeps actions on one target in creation order),
 * so going ahead never runs an action before an earlier one on its target.
 */
export async function enqueueApproved(
  deps: Pick<CoreDeps, "queue" | "logger">,
  actions: readonly AgentAction[],
  /** The trace context each action's job continues, by action id (the enqueuing span's for an action not in it). */
  traces?: ReadonlyMap<number, string>,
): Promise<void> {
  // What the agent carries out itself never goes to the worker: it waits for the agent's report.
  const approved = actions.filter((action) => action.status === "approved" && findActionType(action.actionType)?.performedBy !== "agent");
  if (approved.length === 0) return;
  try {
    // An action that stale approval protection sent back to pending after a worker claimed it is
    // approved again here (by a person, a quorum, a batch decision or its expiry); the finished job of
    // that first run may still sit in Redis under the same job id and would swallow the new one.
    const returned = approved.filter((action) => action.claimedAt !== null);
    await Promise.all(returned.map((action) => deps.queue.hasLiveExecution(action.id)));
    await deps.queue.enqueueExecutions(
      approved.map((action) => ({
        actionId: action.id,
        tenantId: action.tenantId,
        trace: traces?.get(action.id),
        ahead: action.requiresApproval || action.rollbackOfId !== null,
      })),
    );
  } catch (error) {
    deps.logger.warn({ err: error, actionIds: approved.map((action) => action.id) }, "enqueue failed; the reconciler will retry");
  }
}
