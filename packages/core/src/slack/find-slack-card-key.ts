import type { CoreDeps } from "../deps.ts";

/**
 * Names the card an action is shown on: its own, or its batch's when it waits for a person as part
 * of a batch or template run (which `loadSlackCard` then shows as one card when two or more do).
 */
export type SlackCardKey = `action:${number}` | `batch:${string}`;

/** Whether an action is shown on its batch's card (when two or more of the batch wait for people) rather than its own. */
export const onBatchCard = (action: { batchId: string | null; requiresApproval: boolean }): action is { batchId: string; requiresApproval: true } =>
  action.batchId !== null && action.requiresApproval;

/**
 * Which card an action's events edit, read with one indexed row so the bot can take turns on the
 * card, and skip events a sync already covered, before it loads the card itself. Null when the
 * action is gone.
 */
export async function findSlackCardKey(deps: Pick<CoreDeps, "db">, { tenantId, actionId }: { tenantId: string; actionId: number }): Promise<SlackCardKey | null> {
  const action = await deps.db.agentAction.findFirst({ where: { id: actionId, tenantId }, select: { batchId: true, requiresApproval: true } });
  if (!action) return null;
  return onBatchCard(action) ? `batch:${action.batchId}` : `action:${actionId}`;
}
