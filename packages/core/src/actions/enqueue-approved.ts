import type { AgentAction } from "@leash/db";

import type { CoreDeps } from "../deps.ts";

/**
 * Hands approved actions to the queue after their transaction committed. If Redis is unreachable
 * the actions stay approved in Postgres, and the worker's reconciler enqueues them later: the
 * caller's request has still succeeded.
 */
export async function enqueueApproved(deps: Pick<CoreDeps, "queue" | "logger">, actions: readonly AgentAction[]): Promise<void> {
  const approved = actions.filter((action) => action.status === "approved");
  if (approved.length === 0) return;
  try {
    await deps.queue.enqueueExecutions(approved.map((action) => ({ actionId: action.id, tenantId: action.tenantId })));
  } catch (error) {
    deps.logger.warn({ err: error, actionIds: approved.map((action) => action.id) }, "enqueue failed; the reconciler will retry");
  }
}
