import { isUniqueViolation, type AgentAction, type Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { registeredActionTypes, type ActionRegistry } from "../action-types/action-type-registry.ts";
import { withNoApprovals } from "../decisions/action-approvals.ts";
import { toActionView } from "../actions/action-view.ts";
import { enqueueApproved } from "../proposals/enqueue-approved.ts";
import { proposerColumns } from "../proposals/insert-proposals.ts";
import { recordEvent } from "../actions/record-event.ts";
import { assertCan } from "../authorization.ts";
import { DEFAULT_MAX_ATTEMPTS, type CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { suspendGrantsOfRolledBack } from "../trust/suspend-grants.ts";
import { parseInput } from "../validation.ts";
import { planRollback } from "./plan-rollback.ts";
import { rollbackActionInputSchema, type RollbackActionInput, type RollbackResult } from "./rollback-inputs.ts";

/** The database's guard of one live undo per original, behind the lock and the plan: a lost race is a CONFLICT. */
function lostToAnotherRollback(originalId: number) {
  return (error: unknown): never => {
    if (isUniqueViolation(error)) throw new CoreError("CONFLICT", `#${originalId} is already being rolled back`);
    throw error;
  };
}

/**
 * Rolls back an executed action: creates its undo action (and, with `cascade`, undo actions of the
 * later changes to the same item, newest first), already approved by the person asking, who must
 * be allowed to decide. Each undo is a new action pointing at the one it undoes (`rollbackOfId`);
 * the original records it at once (`rollbackActionId`), so a second rollback is refused while that
 * undo is live or once it executed; one that failed or was cancelled frees the original again
 * (`releaseOriginal`), and the database keeps at most one live undo per original. The undos
 * run through the same queue and worker, each only after the newer one executed, and leave
 * `rollback_requested` and `rolled_back` in the timelines of both actions. A trust-ramp grant that
 * auto-approved a rolled-back action is suspended, and the answer says so.
 */
export async function rollbackAction(
  deps: CoreDeps & { registry?: ActionRegistry },
  { actor, input }: { actor: Actor; input: RollbackActionInput },
): Promise<RollbackResult> {
  assertCan(actor, "action.roll_back");
  const request = parseInput(rollbackActionInputSchema, input, "rollback");
  const registry = deps.registry ?? registeredActionTypes();
  const now = deps.clock.now();
  const { undos, suspended } = await deps.db.$transaction(async (tx) => {
    // One rollback at a time per tenant, so two of them never plan against the same state of an item.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`rollback:${actor.tenantId}`}))`;
    const plan = await planRollback(tx, registry, { tenantId: actor.tenantId, actionId: request.actionId, cascade: request.cascade });
    if (plan.refusal) throw new CoreError(plan.refusal.code, plan.refusal.message);
    const created: AgentAction[] = [];
    for (const original of plan.chain) {
      const previous = created.at(-1);
      const undo = await tx.agentAction.create({
        data: {
          tenantId: actor.tenantId,
          ...proposerColumns(actor),
          proposerLabel: actor.label,
          actionType: original.actionType,
          targetType: original.targetType,
          targetId: original.targetId,
          // The original's parameters as stored (a NOT NULL jsonb column), shown with the undo for context.
          parameters: original.parameters as Prisma.InputJsonValue,
          reason: request.reason ?? `Rollback of #${original.id}`,
          status: "approved",
          requiresApproval: false,
          approvedBy: actor.kind === "user" ? actor.userId : null,
          approvedAt: now,
          decidedByLabel: actor.label,
          maxAttempts: deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          rollbackOfId: original.id,
          dependsOnId: previous?.id ?? null,
          createdAt: now,
          updatedAt: now,
        },
      }).catch(lostToAnotherRollback(original.id));
      const { count } = await tx.agentAction.updateMany({
        where: { id: original.id, tenantId: actor.tenantId, status: "executed", rollbackActionId: null },
        data: { rollbackActionId: undo.id, updatedAt: now },
      });
      if (count !== 1) throw new CoreError("CONFLICT", `#${original.id} is already being rolled back`);
      const details = { cascade: request.cascade, requestedFor: plan.original.id, ...(request.reason ? { reason: request.reason } : {}) };
      await recordEvent(tx, { tenantId: actor.tenantId, actionId: original.id, type: "rollback_requested", actor, details: { ...details, undoActionId: undo.id } });
      await recordEvent(tx, { tenantId: actor.tenantId, actionId: undo.id, type: "rollback_requested", actor, details: { ...details, rollbackOf: original.id } });
      created.push(undo);
    }
    return { undos: created, suspended: await suspendGrantsOfRolledBack(tx, { actor, originals: plan.chain, now }) };
  });
  await enqueueApproved(deps, undos);
  await publishActionEvents(deps, undos, "rollback_requested");
  return { undoActions: undos.map((undo) => toActionView(withNoApprovals(undo))), suspendedAutoApprovals: suspended };
}
