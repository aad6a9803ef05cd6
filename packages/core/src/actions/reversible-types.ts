import type { ActionType } from "@leash/db";

import { defaultActionRegistry } from "./action-registry.ts";

/**
 * Whether an action type can be rolled back at all. A soft delete counts as reversible; a single
 * action may still not be (a permanent delete, a reminder that already fired).
 */
export function isReversibleType(actionType: ActionType): boolean {
  return defaultActionRegistry[actionType].rollback?.reversible === true;
}
