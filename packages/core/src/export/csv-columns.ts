import type { ActionView } from "../actions/action-view.ts";

const json = (value: unknown) => (value === null ? "" : JSON.stringify(value));

/** The columns of a CSV export: every field of an action, nested values as JSON. */
export const csvColumns: readonly { header: string; value: (action: ActionView) => string | number | boolean | null }[] = [
  { header: "id", value: (action) => action.id },
  { header: "createdAt", value: (action) => action.createdAt },
  { header: "actionType", value: (action) => action.actionType },
  { header: "targetType", value: (action) => action.targetType },
  { header: "targetId", value: (action) => action.targetId },
  { header: "status", value: (action) => action.status },
  { header: "proposedBy", value: (action) => action.proposedBy.label },
  { header: "proposedByKind", value: (action) => action.proposedBy.kind },
  { header: "proposedById", value: (action) => action.proposedBy.id },
  { header: "reason", value: (action) => action.reason },
  { header: "requiresApproval", value: (action) => action.requiresApproval },
  { header: "decidedBy", value: (action) => action.decidedBy },
  { header: "approvedAt", value: (action) => action.approvedAt },
  { header: "rejectedAt", value: (action) => action.rejectedAt },
  { header: "rejectionReason", value: (action) => action.rejectionReason },
  { header: "cancelledAt", value: (action) => action.cancelledAt },
  { header: "executedAt", value: (action) => action.executedAt },
  { header: "attempts", value: (action) => action.attempts },
  { header: "errorMessage", value: (action) => action.errorMessage },
  { header: "rolledBackAt", value: (action) => action.rolledBackAt },
  { header: "rollbackActionId", value: (action) => action.rollbackActionId },
  { header: "rollbackOfId", value: (action) => action.rollbackOfId },
  { header: "batchId", value: (action) => action.batchId },
  { header: "templateId", value: (action) => action.templateId },
  { header: "templateStep", value: (action) => action.templateStep },
  { header: "dependsOnId", value: (action) => action.dependsOnId },
  { header: "idempotencyKey", value: (action) => action.idempotencyKey },
  { header: "parameters", value: (action) => json(action.parameters) },
  { header: "result", value: (action) => json(action.result) },
];
