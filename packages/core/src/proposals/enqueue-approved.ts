import type { AgentAction } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import type { CoreDeps } from "../deps.ts";

/**
 * Hands approved actions to the queue after their transaction committed. If Redis is unreachable
 * the actions stay approved in Postgres, and the worker's reconciler enqueues them later: the
 * caller's request has still succeeded.
 */
export async function enqueueApproved(deps: Pick<CoreDeps, "queue" | "logger">, actions: readonly AgentAction[]): Promise<void> {
  // What the agent carries out itself never goes to the worker: it waits for the agent's report.
  const approved = actions.filter((action) => action.status === "approved" && findActionType(action.actionType)?.performedBy !== "agent");
  if (approved.length === 0) return;
  try {
    await deps.queue.enqueueExecutions(approved.map((action) => ({ actionId: action.id, tenantId: action.tenantId })));
  } catch (error) {
    deps.logger.warn({ err: error, actionIds: approved.map((action) => action.id) }, "enqueue failed; the reconciler will retry");
  }
}
