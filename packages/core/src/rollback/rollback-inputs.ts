import { z } from "zod";

import { actionIdSchema } from "../actions/action-inputs.ts";
import { actionViewSchema } from "../actions/action-view.ts";
import { jsonValueSchema } from "../actions/json.ts";
import { safeText } from "../actions/storable.ts";
import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";

const cascade = z.boolean().default(false).describe("also undo the later changes of the same item first, newest first");

export const rollbackPreviewInputSchema = z.strictObject({ actionId: actionIdSchema, cascade });
export type RollbackPreviewInput = z.input<typeof rollbackPreviewInputSchema>;

export const rollbackActionInputSchema = z.strictObject({
  actionId: actionIdSchema,
  cascade,
  confirm: z.literal(true, { error: "confirm: true is required to roll back" }),
  reason: safeText(z.string().trim().min(1).max(2000)).optional(),
});
export type RollbackActionInput = z.input<typeof rollbackActionInputSchema>;

export const rollbackStepSchema = z.object({
  /** The executed action this step undoes. */
  actionId: z.int(),
  actionType: actionTypeSchema,
  targetType: targetTypeSchema.nullable(),
  targetId: z.int().nullable(),
  description: z.string(),
  changes: z.array(z.object({ field: z.string(), current: jsonValueSchema, restored: jsonValueSchema })),
});

export const rollbackPreviewSchema = z.object({
  actionId: z.int(),
  cascade: z.boolean(),
  /** Whether `action.rollback` with the same actionId and cascade would be accepted now. */
  canRollBack: z.boolean(),
  /** Why not, in one sentence; null when it can. */
  refusal: z.object({ code: z.enum(["NOT_REVERSIBLE", "CONFLICT"]), message: z.string() }).nullable(),
  /** Later executed actions that changed the same item and would be undone first with cascade, oldest first. */
  laterActionIds: z.array(z.int()),
  /** What the rollback does, in the order the undo actions run (newest first); with later changes, the whole cascade. */
  steps: z.array(rollbackStepSchema),
});
export type RollbackPreview = z.infer<typeof rollbackPreviewSchema>;
export type RollbackStep = z.infer<typeof rollbackStepSchema>;

export const rollbackResultSchema = z.object({
  /** The undo actions, in the order they run; each points at the action it undoes (rollbackOfId). */
  undoActions: z.array(actionViewSchema),
  /** One sentence per trust-ramp grant the rollback suspended (it had auto-approved a rolled-back action). */
  suspendedAutoApprovals: z.array(z.string()),
});
export type RollbackResult = z.infer<typeof rollbackResultSchema>;
