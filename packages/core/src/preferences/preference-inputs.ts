import { z } from "zod";

import { actionTypeSchema, targetTypeSchema } from "../items/target-type.ts";

export const setPreferenceInputSchema = z.strictObject({
  actionType: actionTypeSchema,
  /** Omit or null for "every target type". */
  targetType: targetTypeSchema.nullish(),
  autoApprove: z.boolean(),
});
export type SetPreferenceInput = z.input<typeof setPreferenceInputSchema>;

export interface PreferenceView {
  id: string;
  actionType: z.infer<typeof actionTypeSchema>;
  targetType: z.infer<typeof targetTypeSchema> | null;
  autoApprove: boolean;
  description: string;
  updatedAt: string;
}
