import type { ActionStatus } from "@leash/db";

/**
 * Every status an action may move to from each status. `executing -> approved` is a retry after a
 * failed attempt; `executing -> executing` is a takeover of an attempt whose worker died;
 * `executing -> pending` is stale approval protection (the target changed after the proposal, so
 * people decide again); `pending -> failed` is an action whose dependency (an earlier template step, a newer undo of a
 * cascade) ended without executing, so it can never run; `approved -> executed | failed` is the
 * report of an agent that carried out an action of a type it performs itself (`external`).
 */
export const actionTransitions: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
  pending: ["approved", "rejected", "cancelled", "failed"],
  approved: ["executing", "cancelled", "failed", "executed"],
  executing: ["executed", "approved", "failed", "executing", "pending"],
  executed: [],
  rejected: [],
  failed: [],
  cancelled: [],
};

export const terminalStatuses: readonly ActionStatus[] = ["executed", "rejected", "failed", "cancelled"];

/** The ends of an action that did not execute: it changed nothing (an undo among them undid nothing). */
export const unexecutedEnds: readonly ActionStatus[] = ["rejected", "failed", "cancelled"];

export function canTransition(from: ActionStatus, to: ActionStatus): boolean {
  return actionTransitions[from].includes(to);
}

export function isTerminal(status: ActionStatus): boolean {
  return terminalStatuses.includes(status);
}

/** Statuses from which `to` can be reached: the `WHERE status IN (...)` of a conditional update. */
export function statusesLeadingTo(to: ActionStatus): ActionStatus[] {
  return (Object.keys(actionTransitions) as ActionStatus[]).filter((from) => canTransition(from, to));
}
