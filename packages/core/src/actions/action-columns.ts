import type { AgentAction, Prisma } from "@leash/db";

export type ActionRow = Prisma.AgentActionCreateManyInput;

/**
 * Every column an action row may set, with its Postgres type. Keyed by the create input's fields,
 * so a column added to the schema does not compile until it is listed here.
 */
export const actionColumns: Record<keyof ActionRow, { column: string; type: string }> = {
  id: { column: "id", type: "int" },
  tenantId: { column: "tenant_id", type: "uuid" },
  userId: { column: "user_id", type: "uuid" },
  apiKeyId: { column: "api_key_id", type: "uuid" },
  proposerLabel: { column: "proposer_label", type: "text" },
  actionType: { column: "action_type", type: "text" },
  targetType: { column: "target_type", type: '"TargetType"' },
  targetId: { column: "target_id", type: "int" },
  parameters: { column: "parameters", type: "jsonb" },
  reason: { column: "reason", type: "text" },
  status: { column: "status", type: '"ActionStatus"' },
  requiresApproval: { column: "requires_approval", type: "boolean" },
  idempotencyKey: { column: "idempotency_key", type: "text" },
  requestHash: { column: "request_hash", type: "text" },
  batchId: { column: "batch_id", type: "uuid" },
  approvedBy: { column: "approved_by", type: "uuid" },
  approvedAt: { column: "approved_at", type: "timestamptz(3)" },
  decidedByLabel: { column: "decided_by_label", type: "text" },
  rejectedAt: { column: "rejected_at", type: "timestamptz(3)" },
  rejectionReason: { column: "rejection_reason", type: "text" },
  cancelledAt: { column: "cancelled_at", type: "timestamptz(3)" },
  maxAttempts: { column: "max_attempts", type: "int" },
  attempts: { column: "attempts", type: "int" },
  claimToken: { column: "claim_token", type: "uuid" },
  claimedAt: { column: "claimed_at", type: "timestamptz(3)" },
  executedAt: { column: "executed_at", type: "timestamptz(3)" },
  result: { column: "result", type: "jsonb" },
  errorMessage: { column: "error_message", type: "text" },
  rollbackData: { column: "rollback_data", type: "jsonb" },
  rolledBackAt: { column: "rolled_back_at", type: "timestamptz(3)" },
  rollbackActionId: { column: "rollback_action_id", type: "int" },
  rollbackOfId: { column: "rollback_of_id", type: "int" },
  dependsOnId: { column: "depends_on_id", type: "int" },
  templateId: { column: "template_id", type: "int" },
  templateStep: { column: "template_step", type: "int" },
  stepTemplate: { column: "step_template", type: "jsonb" },
  slackChannelId: { column: "slack_channel_id", type: "text" },
  slackMessageTs: { column: "slack_message_ts", type: "text" },
  policyId: { column: "policy_id", type: "uuid" },
  requiredApprovals: { column: "required_approvals", type: "int" },
  targetVersion: { column: "target_version", type: "int" },
  originalParameters: { column: "original_parameters", type: "jsonb" },
  expiresAt: { column: "expires_at", type: "timestamptz(3)" },
  remindAt: { column: "remind_at", type: "timestamptz(3)" },
  escalateAt: { column: "escalate_at", type: "timestamptz(3)" },
  escalatedToLabel: { column: "escalated_to_label", type: "text" },
  autoApprovalGrantId: { column: "auto_approval_grant_id", type: "uuid" },
  createdAt: { column: "created_at", type: "timestamptz(3)" },
  updatedAt: { column: "updated_at", type: "timestamptz(3)" },
};

/**
 * An action read by a raw statement (`RETURNING *`, `SELECT *`) as the model API would answer it:
 * Postgres types already arrive as the model's (timestamps as dates, jsonb parsed, enums as text),
 * only the names differ. Lets the hot paths return whole rows from the statement that writes them
 * instead of reading them again (a test compares both for every column).
 */
export function actionFromRow(row: Record<string, unknown>): AgentAction {
  const action: Record<string, unknown> = {};
  for (const [field, column] of fieldColumns) action[field] = row[column];
  return action as AgentAction;
}

// Listed once, not for each row: an export maps a hundred thousand rows.
const fieldColumns = Object.entries(actionColumns).map(([field, { column }]) => [field, column] as const);
