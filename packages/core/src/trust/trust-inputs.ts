import { z } from "zod";

import { actionIdSchema } from "../actions/action-inputs.ts";
import { actionViewSchema } from "../actions/action-view.ts";
import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";

/** The longest a single grant may trust a proposer; trust is extended by approving again. */
export const MAX_TRUST_DAYS = 90;

export const approveAndTrustInputSchema = z.strictObject({
  actionId: actionIdSchema,
  days: z
    .int()
    .min(1)
    .max(MAX_TRUST_DAYS)
    .describe("how many days actions like this from the same proposer are auto-approved"),
});
export type ApproveAndTrustInput = z.infer<typeof approveAndTrustInputSchema>;

export const grantRefInputSchema = z.strictObject({ grantId: z.uuid() });
export type GrantRefInput = z.infer<typeof grantRefInputSchema>;

const timestamp = z.iso.datetime();

export const autoApprovalGrantViewSchema = z.object({
  id: z.string(),
  proposer: z.object({ kind: z.enum(["api_key", "user"]), id: z.string(), label: z.string() }),
  actionType: actionTypeSchema,
  targetType: targetTypeSchema.nullable().describe("null: every target type"),
  grantedBy: z.string(),
  sourceActionId: z.int().nullable().describe("the action whose approval created the grant"),
  expiresAt: timestamp,
  suspendedAt: timestamp.nullable(),
  suspendedReason: z.string().nullable(),
  state: z.enum(["active", "expired", "suspended"]),
  createdAt: timestamp,
});
export type AutoApprovalGrantView = z.infer<typeof autoApprovalGrantViewSchema>;

export const approveAndTrustResultSchema = z.object({
  action: actionViewSchema,
  grant: autoApprovalGrantViewSchema,
});
export type ApproveAndTrustResult = z.infer<typeof approveAndTrustResultSchema>;
