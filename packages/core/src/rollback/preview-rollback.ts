import type { Actor } from "../actor.ts";
import { registeredActionTypes, type ActionRegistry } from "../action-types/action-type-registry.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { planRollback } from "./plan-rollback.ts";
import { rollbackPreviewInputSchema, type RollbackPreview, type RollbackPreviewInput } from "./rollback-inputs.ts";

/**
 * "Can this be rolled back, and what will it restore?" before anyone confirms: the refusal if it
 * cannot, and a before/after of every field each undo restores (the whole cascade when later
 * changes must be undone first). Anyone who can read actions may ask; changes nothing.
 */
export async function previewRollback(
  deps: Pick<CoreDeps, "db"> & { registry?: ActionRegistry },
  { actor, input }: { actor: Actor; input: RollbackPreviewInput },
): Promise<RollbackPreview> {
  assertCan(actor, "action.read");
  const { actionId, cascade } = parseInput(rollbackPreviewInputSchema, input, "rollback preview");
  const plan = await planRollback(deps.db, deps.registry ?? registeredActionTypes(), { tenantId: actor.tenantId, actionId, cascade });
  return {
    actionId,
    cascade,
    canRollBack: plan.refusal === null,
    refusal: plan.refusal,
    laterActionIds: plan.laterActionIds,
    steps: plan.steps,
  };
}
