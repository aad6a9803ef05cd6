import { findActionType } from "./action-type-registry.ts";

/**
 * Whether an action type can be rolled back at all. A soft delete counts as reversible; a single
 * action may still not be (a permanent delete, a reminder that already fired).
 */
export function isReversibleType(actionType: string): boolean {
  return findActionType(actionType)?.rollback.reversible === true;
}
