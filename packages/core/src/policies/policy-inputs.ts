import { z } from "zod";

import { ExpiryFallback } from "@leash/db";

import { isReversibleType } from "../action-types/reversible-types.ts";
import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";
import { MAX_POLICY_SECONDS } from "./policy-duration.ts";

export const MAX_REQUIRED_APPROVALS = 10;
const seconds = z.int().min(1).max(MAX_POLICY_SECONDS);

/** A policy for one scope (action type, optionally one target type); setting it replaces the scope's earlier policy. */
export const setPolicyInputSchema = z
  .strictObject({
    actionType: actionTypeSchema,
    /** Omit or null for "every target type". */
    targetType: targetTypeSchema.nullish(),
    requiredApprovals: z.int().min(1).max(MAX_REQUIRED_APPROVALS).default(1),
    /** Whether the proposer (or the owner of the proposing key) is barred from approving. */
    separationOfDuties: z.boolean().default(true),
    expiresAfterSeconds: seconds.nullish(),
    remindAfterSeconds: seconds.nullish(),
    escalateAfterSeconds: seconds.nullish(),
    escalateToUserId: z.uuid().nullish(),
    expiryFallback: z.enum(ExpiryFallback).default("reject"),
    autoApproveBudgetPerHour: z.int().min(1).max(100_000).nullish(),
  })
  .superRefine((policy, context) => {
    const expires = policy.expiresAfterSeconds ?? null;
    for (const field of ["remindAfterSeconds", "escalateAfterSeconds"] as const) {
      const value = policy[field] ?? null;
      if (value !== null && expires !== null && value >= expires) {
        context.addIssue({ code: "custom", path: [field], message: "must come before the action expires (less than expiresAfterSeconds)" });
      }
    }
    if ((policy.escalateAfterSeconds ?? null) !== null && (policy.escalateToUserId ?? null) === null) {
      context.addIssue({ code: "custom", path: ["escalateToUserId"], message: "name the backup approver to escalate to" });
    }
    if ((policy.escalateToUserId ?? null) !== null && (policy.escalateAfterSeconds ?? null) === null) {
      context.addIssue({ code: "custom", path: ["escalateAfterSeconds"], message: "say after how long to escalate" });
    }
    if (policy.expiryFallback === "auto_approve") {
      if (expires === null) {
        context.addIssue({ code: "custom", path: ["expiryFallback"], message: "auto-approval at expiry needs an expiry time" });
      } else if (!isReversibleType(policy.actionType)) {
        context.addIssue({ code: "custom", path: ["expiryFallback"], message: `${policy.actionType} cannot be rolled back, so it may not be auto-approved at expiry` });
      }
    }
  });
export type SetPolicyInput = z.input<typeof setPolicyInputSchema>;

export const deletePolicyInputSchema = z.strictObject({ policyId: z.uuid() });
export type DeletePolicyInput = z.input<typeof deletePolicyInputSchema>;

export const policyViewSchema = z.object({
  id: z.string(),
  actionType: actionTypeSchema,
  /** null: every target type. */
  targetType: targetTypeSchema.nullable(),
  requiredApprovals: z.int(),
  separationOfDuties: z.boolean(),
  expiresAfterSeconds: z.int().nullable(),
  remindAfterSeconds: z.int().nullable(),
  escalateAfterSeconds: z.int().nullable(),
  escalateTo: z.object({ id: z.string(), name: z.string() }).nullable(),
  expiryFallback: z.enum(ExpiryFallback),
  autoApproveBudgetPerHour: z.int().nullable(),
  /** What the policy means in one sentence, e.g. `update on project needs 2 approvers; the proposer may not approve`. */
  description: z.string(),
  updatedAt: z.iso.datetime(),
});
export type PolicyView = z.infer<typeof policyViewSchema>;
