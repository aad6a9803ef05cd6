import { z } from "zod";

import { ActionStatus } from "@leash/db";

import { actionFilterFields } from "../actions/action-inputs.ts";
import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";

/** One value, several comma-separated values, or a list (a query string repeats the key). */
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) => (typeof value === "string" ? value.split(",").map((part) => part.trim()).filter((part) => part.length > 0) : value),
    z.array(item).min(1).max(20),
  );

export const exportFormats = ["csv", "json"] as const;

/**
 * The history filters of `action.list`, in the form a query string carries them (numbers as text,
 * lists as repeated keys or comma-separated), plus the format.
 */
export const exportActionsInputSchema = z.strictObject({
  format: z.enum(exportFormats),
  status: oneOrMany(z.enum(ActionStatus)).optional(),
  actionType: oneOrMany(actionTypeSchema).optional(),
  targetType: oneOrMany(targetTypeSchema).optional(),
  targetId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  actor: actionFilterFields.actor,
  proposerId: actionFilterFields.proposerId,
  from: actionFilterFields.from,
  to: actionFilterFields.to,
});
export type ExportActionsInput = z.input<typeof exportActionsInputSchema>;
