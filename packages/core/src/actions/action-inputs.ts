import { z } from "zod";

import { ActionStatus } from "@leash/db";

import { actionTypeSchema, targetTypeSchema } from "../items/target-type.ts";

export const actionIdSchema = z.int().positive().max(2_147_483_647);

export const actionRefInputSchema = z.strictObject({ actionId: actionIdSchema });

export const rejectActionInputSchema = z.strictObject({
  actionId: actionIdSchema,
  reason: z.string().trim().min(1, "a reason is required").max(2000),
});

export const cancelActionInputSchema = z.strictObject({
  actionId: actionIdSchema,
  reason: z.string().trim().min(1).max(2000).optional(),
});

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1).max(20)]);

export const listActionsInputSchema = z.strictObject({
  status: oneOrMany(z.enum(ActionStatus)).optional(),
  actionType: oneOrMany(actionTypeSchema).optional(),
  targetType: oneOrMany(targetTypeSchema).optional(),
  targetId: z.int().positive().optional(),
  /** Inclusive lower bound of `createdAt`. */
  from: z.iso.datetime({ offset: true }).optional(),
  /** Exclusive upper bound of `createdAt`. */
  to: z.iso.datetime({ offset: true }).optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.int().positive().optional(),
  limit: z.int().min(1).max(200).default(50),
});

export type RejectActionInput = z.input<typeof rejectActionInputSchema>;
export type CancelActionInput = z.input<typeof cancelActionInputSchema>;
export type ListActionsInput = z.input<typeof listActionsInputSchema>;
