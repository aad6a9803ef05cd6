import { z } from "zod";

import { ActionEventType, ActionStatus, ActorKind, type ActionEvent, type AgentAction } from "@leash/db";

import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";
import { approvalsViewSchema, toApprovalsView, type ActionWithApprovals } from "../decisions/action-approvals.ts";
import { utcMinute } from "../utc-minute.ts";
import { jsonValueSchema, type JsonValue } from "./json.ts";

const timestamp = z.iso.datetime();

/** An action as every medium shows it: plain JSON, dates as ISO strings. */
export const actionViewSchema = z.object({
  id: z.int(),
  actionType: actionTypeSchema,
  targetType: targetTypeSchema.nullable(),
  targetId: z.int().nullable(),
  parameters: jsonValueSchema,
  reason: z.string().nullable(),
  status: z.enum(ActionStatus),
  /** False when an approval preference let it through (or it is an undo confirmed by the person who asked for it). */
  requiresApproval: z.boolean(),
  proposedBy: z.object({ kind: z.enum(["user", "api_key"]), id: z.string().nullable(), label: z.string() }),
  approvedBy: z.string().nullable().describe("id of the user who approved"),
  decidedBy: z.string().nullable().describe("who approved or rejected, as a person reads it"),
  approvedAt: timestamp.nullable(),
  rejectedAt: timestamp.nullable(),
  rejectionReason: z.string().nullable(),
  cancelledAt: timestamp.nullable(),
  attempts: z.int(),
  maxAttempts: z.int(),
  executedAt: timestamp.nullable(),
  result: jsonValueSchema,
  errorMessage: z.string().nullable(),
  rollbackData: jsonValueSchema.describe("the state before the action, enough to undo it"),
  rolledBackAt: timestamp.nullable(),
  rollbackActionId: z.int().nullable().describe("the undo action that is undoing or undid this one; null again once an undo failed or was cancelled"),
  rollbackOfId: z.int().nullable().describe("the action this one undoes"),
  dependsOnId: z.int().nullable().describe("runs only once that action has executed"),
  templateId: z.int().nullable(),
  templateStep: z.int().nullable().describe("index of the template step this action runs"),
  batchId: z.string().nullable(),
  idempotencyKey: z.string().nullable(),
  /** Quorum progress: distinct approvals so far, how many the policy requires, and who approved. */
  approvals: approvalsViewSchema,
  policyId: z.string().nullable().describe("the approval policy in force when the action was proposed"),
  originalParameters: jsonValueSchema.describe("the parameters as proposed, when an approver edited them; null otherwise"),
  expiresAt: timestamp.nullable().describe("when a pending action expires and its policy's fallback applies"),
  escalatedTo: z.string().nullable().describe("the backup approver a pending action was escalated to"),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ActionView = z.infer<typeof actionViewSchema>;

export const actionEventViewSchema = z.object({
  id: z.string(),
  actionId: z.int(),
  type: z.enum(ActionEventType),
  actor: z.object({ kind: z.enum(ActorKind), id: z.string().nullable(), label: z.string() }),
  details: jsonValueSchema,
  createdAt: timestamp,
});
export type ActionEventView = z.infer<typeof actionEventViewSchema>;

/** One action with its whole timeline, oldest event first. */
export const actionDetailSchema = actionViewSchema.extend({ timeline: z.array(actionEventViewSchema) });
export type ActionDetail = z.infer<typeof actionDetailSchema>;

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toActionView(action: ActionWithApprovals): ActionView {
  return {
    id: action.id,
    actionType: action.actionType,
    targetType: action.targetType,
    targetId: action.targetId,
    parameters: action.parameters as JsonValue,
    reason: action.reason,
    status: action.status,
    requiresApproval: action.requiresApproval,
    proposedBy: {
      kind: action.apiKeyId !== null ? "api_key" : "user",
      id: action.apiKeyId ?? action.userId,
      label: action.proposerLabel,
    },
    approvedBy: action.approvedBy,
    decidedBy: action.decidedByLabel,
    approvedAt: iso(action.approvedAt),
    rejectedAt: iso(action.rejectedAt),
    rejectionReason: action.rejectionReason,
    cancelledAt: iso(action.cancelledAt),
    attempts: action.attempts,
    maxAttempts: action.maxAttempts,
    executedAt: iso(action.executedAt),
    result: (action.result ?? null) as JsonValue,
    errorMessage: action.errorMessage,
    rollbackData: (action.rollbackData ?? null) as JsonValue,
    rolledBackAt: iso(action.rolledBackAt),
    rollbackActionId: action.rollbackActionId,
    rollbackOfId: action.rollbackOfId,
    dependsOnId: action.dependsOnId,
    templateId: action.templateId,
    templateStep: action.templateStep,
    batchId: action.batchId,
    idempotencyKey: action.idempotencyKey,
    approvals: toApprovalsView(action),
    policyId: action.policyId,
    originalParameters: (action.originalParameters ?? null) as JsonValue,
    expiresAt: iso(action.expiresAt),
    escalatedTo: action.escalatedToLabel,
    createdAt: action.createdAt.toISOString(),
    updatedAt: action.updatedAt.toISOString(),
  };
}

export function toActionEventView(event: ActionEvent): ActionEventView {
  return {
    id: event.id.toString(),
    actionId: event.actionId,
    type: event.type,
    actor: { kind: event.actorKind, id: event.actorId, label: event.actorLabel },
    details: event.details as JsonValue,
    createdAt: event.createdAt.toISOString(),
  };
}

/** One sentence on where an action stands, for the loser of a race ("already approved by Dana at 10:42"). */
export function describeDecision(action: AgentAction): string {
  const at = (date: Date | null) => (date ? ` at ${utcMinute(date)}` : "");
  const approved = `#${action.id} was already approved by ${action.decidedByLabel ?? "auto-approval"}${at(action.approvedAt)}`;
  switch (action.status) {
    case "pending":
      return `#${action.id} is still waiting for a decision`;
    case "approved":
      return approved;
    case "executing":
      return `${approved} and is executing`;
    case "executed":
      return `${approved} and executed${at(action.executedAt)}`;
    case "failed":
      // A step whose dependency failed fails without ever being approved.
      return action.approvedAt === null
        ? `#${action.id} failed: ${action.errorMessage ?? "unknown error"}`
        : `${approved} and failed: ${action.errorMessage ?? "unknown error"}`;
    case "rejected":
      return `#${action.id} was already rejected by ${action.decidedByLabel ?? "someone"}${at(action.rejectedAt)}`;
    case "cancelled":
      return `#${action.id} was already cancelled${at(action.cancelledAt)}`;
  }
}
