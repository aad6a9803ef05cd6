import type { Reversibility } from "../action-types/action-definition.ts";

/**
 * A person approves an action that cannot be undone only deliberately: with its id typed into a
 * confirmation. The console asks for it wherever it offers Approve (inbox, action page); the API is
 * left out on purpose, since agents and scripts that approve through it decide in code already.
 * Null when the approval may go ahead; otherwise why it may not, said of the confirmation field.
 */
export function irreversibleApprovalRefusal(reversibility: Reversibility, actionId: number, confirm: string | undefined): string | null {
  if (reversibility.reversible || confirm?.trim() === String(actionId)) return null;
  return `#${actionId} cannot be undone (${reversibility.explanation}): type ${actionId} to confirm`;
}
