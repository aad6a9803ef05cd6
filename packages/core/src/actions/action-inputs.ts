import { z } from "zod";

import { ActionStatus } from "@leash/db";

import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";
import { boundedJsonObjectSchema } from "./json.ts";
import { int4IdSchema, safeText, storableTimestampSchema } from "./storable.ts";

export const actionIdSchema = int4IdSchema;

export const actionRefInputSchema = z.strictObject({ actionId: actionIdSchema });

export const approveActionInputSchema = z.strictObject({
  actionId: actionIdSchema,
  /** Approve with edits: the parameters to run instead of the proposed ones, validated again as a proposal would be. */
  parameters: boundedJsonObjectSchema.optional().describe("edited parameters to run instead of the proposed ones"),
});

export const rejectActionInputSchema = z.strictObject({
  actionId: actionIdSchema,
  reason: safeText(z.string().trim().min(1, "a reason is required").max(2000)),
});

export const cancelActionInputSchema = z.strictObject({
  actionId: actionIdSchema,
  reason: safeText(z.string().trim().min(1).max(2000)).optional(),
});

const oneOrMany = <T extends z.ZodType>(schema: T) => z.union([schema, z.array(schema).min(1).max(20)]);

/** The filters of the history (list and export), combined with AND. */
export const actionFilterFields = {
  status: oneOrMany(z.enum(ActionStatus)).optional(),
  actionType: oneOrMany(actionTypeSchema).optional(),
  targetType: oneOrMany(targetTypeSchema).optional(),
  targetId: int4IdSchema.optional(),
  /** Who proposed or decided the action: part of their name as shown (a user's name, an agent key's label), any case. */
  actor: safeText(z.string().trim().min(1).max(200)).optional().describe("part of the name of who proposed or decided, any case"),
  /** Exactly who proposed the action: a user id or an API key id. */
  proposerId: z.uuid().optional().describe("user id or API key id of the proposer"),
  /** Inclusive lower bound of `createdAt`. */
  from: storableTimestampSchema.optional().describe("inclusive lower bound of createdAt"),
  /** Exclusive upper bound of `createdAt`. */
  to: storableTimestampSchema.optional().describe("exclusive upper bound of createdAt"),
};

export const listActionsInputSchema = z.strictObject({
  ...actionFilterFields,
  /** The `nextCursor` of the previous page. */
  cursor: int4IdSchema.optional(),
  limit: z.int().min(1).max(200).default(50),
});

/** An agent's report on an action it carried out itself. */
export const completeActionInputSchema = z
  .strictObject({
    actionId: actionIdSchema,
    outcome: z.enum(["succeeded", "failed"]),
    result: boundedJsonObjectSchema.optional().describe("what running the tool gave, kept as the action's result"),
    error: safeText(z.string().trim().min(1).max(2000)).optional().describe("why it failed (with outcome failed)"),
  })
  .refine((input) => input.outcome === "failed" || input.error === undefined, { path: ["error"], message: "error goes with outcome failed" })
  .refine((input) => input.outcome === "succeeded" || input.error !== undefined, { path: ["error"], message: "say why it failed" });

export type CompleteActionInput = z.input<typeof completeActionInputSchema>;
export type ApproveActionInput = z.input<typeof approveActionInputSchema>;
export type RejectActionInput = z.input<typeof rejectActionInputSchema>;
export type CancelActionInput = z.input<typeof cancelActionInputSchema>;
export type ListActionsInput = z.input<typeof listActionsInputSchema>;
