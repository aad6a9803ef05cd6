import type { ActionStatus, DbTransaction, Prisma } from "@leash/db";

import { canTransition } from "./state-machine.ts";

/**
 * Moves an action from one of `from` to `to` with a single conditional update, so that of two
 * concurrent callers exactly one wins. Returns whether this caller won.
 */
export async function transitionAction(
  tx: DbTransaction,
  options: { id: number; tenantId: string; from: ActionStatus[]; to: ActionStatus; data?: Prisma.AgentActionUncheckedUpdateManyInput },
): Promise<boolean> {
  for (const from of options.from) {
    if (!canTransition(from, options.to)) throw new Error(`Illegal transition ${from} -> ${options.to}`);
  }
  const { count } = await tx.agentAction.updateMany({
    where: { id: options.id, tenantId: options.tenantId, status: { in: options.from } },
    data: { ...options.data, status: options.to },
  });
  return count === 1;
}
