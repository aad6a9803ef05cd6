import type { ActionEvent, ActionEventType, ActionStatus, ActionType, ActorKind, AgentAction, TargetType } from "@leash/db";

import type { JsonValue } from "./json.ts";

/** An action as every medium shows it: plain JSON, dates as ISO strings. */
export interface ActionView {
  id: number;
  actionType: ActionType;
  targetType: TargetType | null;
  targetId: number | null;
  parameters: JsonValue;
  reason: string | null;
  status: ActionStatus;
  requiresApproval: boolean;
  proposedBy: { kind: "user" | "api_key"; id: string | null; label: string };
  approvedBy: string | null;
  decidedBy: string | null;
  approvedAt: string | null;
  rejectedAt: string | null;
  rejectionReason: string | null;
  cancelledAt: string | null;
  attempts: number;
  maxAttempts: number;
  executedAt: string | null;
  result: JsonValue;
  errorMessage: string | null;
  rollbackData: JsonValue;
  rolledBackAt: string | null;
  rollbackActionId: number | null;
  rollbackOfId: number | null;
  batchId: string | null;
  idempotencyKey: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ActionEventView {
  id: string;
  actionId: number;
  type: ActionEventType;
  actor: { kind: ActorKind; id: string | null; label: string };
  details: JsonValue;
  createdAt: string;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function toActionView(action: AgentAction): ActionView {
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
    batchId: action.batchId,
    idempotencyKey: action.idempotencyKey,
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
  const at = (date: Date | null) => (date ? ` at ${date.toISOString()}` : "");
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
      return `${approved} and failed: ${action.errorMessage ?? "unknown error"}`;
    case "rejected":
      return `#${action.id} was already rejected by ${action.decidedByLabel ?? "someone"}${at(action.rejectedAt)}`;
    case "cancelled":
      return `#${action.id} was already cancelled${at(action.cancelledAt)}`;
  }
}
