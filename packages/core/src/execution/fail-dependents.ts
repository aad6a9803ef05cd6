import type { ActionStatus, AgentAction, DbTransaction } from "@leash/db";

import { systemActor } from "../actor.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";

export type StoppedAction = Pick<AgentAction, "id" | "tenantId" | "requiresApproval" | "targetId" | "rollbackOfId">;

const endings: Partial<Record<ActionStatus, string>> = { failed: "failed", rejected: "was rejected", cancelled: "was cancelled" };

/** How a dependent names the action that stopped it: `step 0 (#12) failed; not run`. */
export function notRunMessage(stopped: Pick<AgentAction, "id" | "status" | "templateStep">): string {
  const name = stopped.templateStep !== null ? `step ${stopped.templateStep} (#${stopped.id})` : `#${stopped.id}`;
  return `${name} ${endings[stopped.status] ?? stopped.status}; not run`;
}

/**
 * An action ended without executing (failed, rejected or cancelled): every action waiting for it,
 * and every action waiting for those, fails without running, in the caller's transaction. Their
 * message names the action that stopped them. Returns the actions that failed, for the caller to
 * wake what waited on them and tell their cards (an undo's is its original's).
 */
export async function failDependents(
  tx: DbTransaction,
  stopped: Pick<AgentAction, "id" | "tenantId" | "status" | "templateStep">,
  now: Date,
): Promise<StoppedAction[]> {
  const message = notRunMessage(stopped);
  const failed: StoppedAction[] = [];
  let waitingOn = [stopped.id];
  while (waitingOn.length > 0) {
    const dependents = await tx.agentAction.findMany({
      where: { tenantId: stopped.tenantId, dependsOnId: { in: waitingOn }, status: { in: ["pending", "approved"] } },
      select: { id: true, tenantId: true, requiresApproval: true, targetId: true, rollbackOfId: true },
      orderBy: { id: "asc" },
    });
    waitingOn = [];
    for (const dependent of dependents) {
      const { id } = dependent;
      const won = await transitionAction(tx, {
        id,
        tenantId: stopped.tenantId,
        from: ["pending", "approved"],
        to: "failed",
        data: { errorMessage: message, updatedAt: now },
      });
      if (!won) continue;
      await recordEvent(tx, {
        tenantId: stopped.tenantId,
        actionId: id,
        type: "failed",
        actor: systemActor(stopped.tenantId, "dependencies"),
        details: { error: message, stoppedBy: stopped.id, permanent: true },
      });
      failed.push(dependent);
      waitingOn.push(id);
    }
  }
  return failed;
}
