import type { ActionStatus, DbTransaction, Prisma } from "@leash/db";

import { releaseOriginal } from "../rollback/release-original.ts";
import { canTransition, unexecutedEnds } from "./state-machine.ts";

/**
 * Moves an action from one of `from` to `to` with a single conditional update, so that of two
 * concurrent callers exactly one wins. With `claimToken`, only the worker holding that claim can
 * win. Returns whether this caller won. Every end without executing passes here, so this is where
 * an undo that ends so frees its original to be rolled back again (see `releaseOriginal`).
 */
export async function transitionAction(
  tx: DbTransaction,
  options: {
    id: number;
    tenantId: string;
    from: ActionStatus[];
    to: ActionStatus;
    claimToken?: string;
    data?: Prisma.AgentActionUncheckedUpdateManyInput;
  },
): Promise<boolean> {
  for (const from of options.from) {
    if (!canTransition(from, options.to)) throw new Error(`Illegal transition ${from} -> ${options.to}`);
  }
  const { count } = await tx.agentAction.updateMany({
    where: {
      id: options.id,
      tenantId: options.tenantId,
      status: { in: options.from },
      ...(options.claimToken === undefined ? {} : { claimToken: options.claimToken }),
    },
    data: { ...options.data, status: options.to },
  });
  if (count === 1 && unexecutedEnds.includes(options.to)) await releaseOriginal(tx, options);
  return count === 1;
}
