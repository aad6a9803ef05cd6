export { type Actor, actorRef, systemActor } from "./actor.ts";
export { can, assertCan, type Permission } from "./authorization.ts";
export { type Clock, systemClock } from "./clock.ts";
export { type CoreDeps, DEFAULT_MAX_ATTEMPTS } from "./deps.ts";
export { CoreError, isCoreError, type CoreErrorCode, type InvalidIssue } from "./errors.ts";
export { createLogger, silentLogger, type Logger } from "./logger.ts";

export { itemDataSchemas } from "./items/item-data.ts";
export { actionTypeSchema, targetTypeSchema } from "./items/target-type.ts";

export type { ActionDefinition, HandlerContext, HandlerOutcome } from "./actions/action-definition.ts";
export { defaultActionRegistry, type ActionRegistry } from "./actions/action-registry.ts";
export {
  actionIdSchema,
  actionRefInputSchema,
  cancelActionInputSchema,
  listActionsInputSchema,
  rejectActionInputSchema,
  type CancelActionInput,
  type ListActionsInput,
  type RejectActionInput,
} from "./actions/action-inputs.ts";
export { type ActionEventView, type ActionView, describeDecision } from "./actions/action-view.ts";
export { MAX_PARAMETERS_BYTES, type JsonObject, type JsonValue } from "./actions/json.ts";
export {
  MAX_BATCH_SIZE,
  proposeActionInputSchema,
  proposeBatchInputSchema,
  type ActionProposal,
  type ProposeActionInput,
  type ProposeBatchInput,
} from "./actions/proposal-schema.ts";
export { actionTransitions, canTransition, isTerminal, terminalStatuses } from "./actions/state-machine.ts";
export { proposeAction, proposeBatch, type ProposeResult } from "./actions/propose-action.ts";
export { approveAction } from "./actions/approve-action.ts";
export { rejectAction } from "./actions/reject-action.ts";
export { cancelAction } from "./actions/cancel-action.ts";
export { getAction, actionHistory } from "./actions/get-action.ts";
export { listActions } from "./actions/list-actions.ts";

export { executeAction, type ExecuteActionOptions, type ExecutionOutcome } from "./execution/execute-action.ts";
export { fireReminder, type FireReminderOutcome } from "./reminders/fire-reminder.ts";
export { reconcileQueue, type ReconcileOptions, type ReconcileResult } from "./reconcile/reconcile-queue.ts";

export { listPreferences } from "./preferences/list-preferences.ts";
export { setPreference } from "./preferences/set-preference.ts";
export { setPreferenceInputSchema, type PreferenceView, type SetPreferenceInput } from "./preferences/preference-inputs.ts";
export { resolveAutoApproval } from "./preferences/resolve-auto-approval.ts";

export { createBullActionQueue, type ActionQueue, type QueueJobCounts } from "./queue/action-queue.ts";
export {
  DEFAULT_QUEUE_PREFIX,
  defaultRetryPolicy,
  executeActionJob,
  fireReminderJob,
  queueNames,
  retryDelayMs,
  type RetryPolicy,
} from "./queue/queue-definitions.ts";
export { queueStats, type QueueStats } from "./queue/queue-stats.ts";

export { authenticateApiKey, createApiKey, revokeApiKey } from "./auth/api-keys.ts";
export { hashPassword, verifyPassword } from "./auth/passwords.ts";
export { createTenant, createUser, findTenantBySlug } from "./auth/tenants-and-users.ts";

export { loadItemFacts, presentAction, truncate, type ActionPresentation, type ChangeLine, type ItemFacts } from "./presentation/action-presentation.ts";
