import { z } from "zod";

import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";

export const setPreferenceInputSchema = z.strictObject({
  actionType: actionTypeSchema,
  /** Omit or null for "every target type". */
  targetType: targetTypeSchema.nullish(),
  autoApprove: z.boolean(),
});
export type SetPreferenceInput = z.input<typeof setPreferenceInputSchema>;

export const preferenceViewSchema = z.object({
  id: z.string(),
  actionType: actionTypeSchema,
  /** null: every target type. */
  targetType: targetTypeSchema.nullable(),
  autoApprove: z.boolean(),
  /** What the rule means, e.g. `update on idea runs without a person`. */
  description: z.string(),
  updatedAt: z.iso.datetime(),
});
export type PreferenceView = z.infer<typeof preferenceViewSchema>;
