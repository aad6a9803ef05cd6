export { type Actor, actorRef, systemActor } from "./actor.ts";
export { can, assertCan, type Permission } from "./authorization.ts";
export { type Clock, systemClock } from "./clock.ts";
export { type CoreDeps, DEFAULT_MAX_ATTEMPTS } from "./deps.ts";
export { DEFAULT_MAX_PENDING_ACTIONS } from "./actions/check-pending-cap.ts";
export { CoreError, isCoreError, type CoreErrorCode, type InvalidIssue } from "./errors.ts";
export { inputIssues } from "./validation.ts";
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
export { MAX_JSON_DEPTH, MAX_PARAMETERS_BYTES, type JsonObject, type JsonValue } from "./actions/json.ts";
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
export { approveActionInputSchema, type ApproveActionInput } from "./actions/action-inputs.ts";
export { approvalsViewSchema, describeApprovals, type ApprovalsView } from "./actions/action-approvals.ts";
export { isReversibleType } from "./actions/reversible-types.ts";
export { SeparationOfDutiesError } from "./actions/check-separation-of-duties.ts";
export { checkApproval } from "./actions/check-approval.ts";
export { rejectAction } from "./actions/reject-action.ts";
export { cancelAction } from "./actions/cancel-action.ts";
export { getAction, actionHistory } from "./actions/get-action.ts";
export { listActions } from "./actions/list-actions.ts";

export { executeAction, type ExecuteActionOptions, type ExecutionOutcome } from "./execution/execute-action.ts";
export { fireReminder, type FireReminderOutcome } from "./reminders/fire-reminder.ts";
export { reconcileQueue, type ReconcileOptions, type ReconcileResult } from "./reconcile/reconcile-queue.ts";
export { sealAuditChain, type SealResult } from "./audit/seal-audit-chain.ts";
export { verifyAuditChain, type AuditVerification, type BrokenLink } from "./audit/verify-audit-chain.ts";

export { setPolicy } from "./policies/set-policy.ts";
export { listPolicies } from "./policies/list-policies.ts";
export { deletePolicy } from "./policies/delete-policy.ts";
export { resolvePolicy } from "./policies/resolve-policy.ts";
export { listBackupApprovers } from "./policies/list-backup-approvers.ts";
export {
  deletePolicyInputSchema,
  MAX_REQUIRED_APPROVALS,
  policyViewSchema,
  setPolicyInputSchema,
  type DeletePolicyInput,
  type PolicyView,
  type SetPolicyInput,
} from "./policies/policy-inputs.ts";

export { listPreferences } from "./preferences/list-preferences.ts";
export { setPreference } from "./preferences/set-preference.ts";
export { setPreferenceInputSchema, type PreferenceView, type SetPreferenceInput } from "./preferences/preference-inputs.ts";
export { resolveAutoApproval } from "./preferences/resolve-auto-approval.ts";

export { createBullActionQueue, type ActionQueue, type QueueJobCounts } from "./queue/action-queue.ts";
export {
  actionEventJob,
  actionEventTypes,
  DEFAULT_QUEUE_PREFIX,
  defaultRetryPolicy,
  executeActionJob,
  fireReminderJob,
  queueNames,
  retryDelayMs,
  type ActionEventPayload,
  type RetryPolicy,
} from "./queue/queue-definitions.ts";
export { queueStats, type QueueStats } from "./queue/queue-stats.ts";

export { authenticateApiKey, createApiKey, revokeApiKey } from "./auth/api-keys.ts";
export { cacheApiKeyActors, type ApiKeyAuthenticator, type ApiKeyCacheOptions } from "./auth/cache-api-key-actors.ts";
export { hashPassword, verifyPassword } from "./auth/passwords.ts";
export { createTenant, createUser, findTenantBySlug } from "./auth/tenants-and-users.ts";

export { loadItemFacts, presentAction, truncate, type ActionPresentation, type ChangeLine, type ItemFacts } from "./presentation/action-presentation.ts";

export { signIn, signInInputSchema, type SignInInput } from "./auth/sign-in.ts";
export { actorForUser } from "./auth/actor-for-user.ts";
export type { SignedInUser } from "./auth/signed-in-user.ts";
export { listItems, listItemsInputSchema, type ListItemsInput } from "./items/list-items.ts";
export { getItem, getItemInputSchema, type GetItemInput, type ItemDetail, type ItemLinkView } from "./items/get-item.ts";
export type { ItemView } from "./items/item-view.ts";

export { linkSlackWorkspace } from "./slack/link-slack-workspace.ts";
export { unlinkSlackWorkspace } from "./slack/unlink-slack-workspace.ts";
export { linkSlackUser } from "./slack/link-slack-user.ts";
export { findSlackWorkspace } from "./slack/find-slack-workspace.ts";
export { resolveSlackActor } from "./slack/resolve-slack-actor.ts";
export { checkDecision } from "./slack/check-decision.ts";
export { loadSlackCard, type SlackCard } from "./slack/load-slack-card.ts";
export { recordSlackMessage } from "./slack/record-slack-message.ts";
export type { SlackWorkspaceView } from "./slack/slack-workspace-view.ts";
export type { LinkSlackUserInput, LinkSlackWorkspaceInput, UnlinkSlackWorkspaceInput } from "./slack/slack-inputs.ts";
export { slackTeamIdSchema } from "./slack/slack-inputs.ts";

export { actionDetailSchema, actionEventViewSchema, actionViewSchema, type ActionDetail } from "./actions/action-view.ts";
export { actionFilterFields } from "./actions/action-inputs.ts";
export { jsonObjectSchema, jsonValueSchema } from "./actions/json.ts";
export { actionPageSchema, type ActionPage } from "./actions/list-actions.ts";
export { proposeBatchResultSchema, proposeResultSchema, type ProposeBatchResult } from "./actions/propose-action.ts";
export type { ItemState, RollbackChange, RollbackSupport, UndoContext } from "./actions/action-definition.ts";
export { preferenceViewSchema } from "./preferences/preference-inputs.ts";
export { queueJobCountsSchema } from "./queue/action-queue.ts";
export { queueStatsSchema } from "./queue/queue-stats.ts";

export { previewRollback } from "./rollback/preview-rollback.ts";
export { rollbackAction } from "./rollback/rollback-action.ts";
export {
  rollbackActionInputSchema,
  rollbackPreviewInputSchema,
  rollbackPreviewSchema,
  rollbackResultSchema,
  type RollbackActionInput,
  type RollbackPreview,
  type RollbackPreviewInput,
  type RollbackResult,
  type RollbackStep,
} from "./rollback/rollback-inputs.ts";

export { createTemplate } from "./templates/create-template.ts";
export { updateTemplate } from "./templates/update-template.ts";
export { deleteTemplate } from "./templates/delete-template.ts";
export { listTemplates } from "./templates/list-templates.ts";
export { getTemplate } from "./templates/get-template.ts";
export { runTemplate } from "./templates/run-template.ts";
export {
  createTemplateInputSchema,
  runTemplateInputSchema,
  templateRefInputSchema,
  templateRunSchema,
  templateViewSchema,
  updateTemplateInputSchema,
  type CreateTemplateInput,
  type RunTemplateInput,
  type TemplateParameter,
  type TemplateRefInput,
  type TemplateRun,
  type TemplateStep,
  type TemplateView,
  type UpdateTemplateInput,
} from "./templates/template-schema.ts";
export { templateParameterTypes, type TemplateParameterType } from "./templates/parameter-types.ts";

export { exportActions, EXPORT_BATCH_SIZE, type ActionExport } from "./export/export-actions.ts";
export { exportActionsInputSchema, exportFormats, type ExportActionsInput } from "./export/export-inputs.ts";
export { DEMO_TEMPLATE, ensureDemoTemplate } from "./admin/seed-demo.ts";

export { sweepPendingDeadlines, DEADLINE_ACTOR_LABEL, type SweepResult } from "./deadlines/sweep-pending-deadlines.ts";
export { policyDeadlines, type DeadlinePolicy, type PendingDeadlines } from "./deadlines/policy-deadlines.ts";
export { describeDuration, describeExpiry } from "./deadlines/duration-wording.ts";

export { createActionWatcher, DEFAULT_WATCH_INTERVAL_MS, type ActionWatcher } from "./waiting/action-watcher.ts";
export { proposeAndWait } from "./waiting/propose-and-wait.ts";
export { waitForAction } from "./waiting/wait-for-action.ts";
export { watchAction } from "./waiting/watch-action.ts";
export type { WaitDeps } from "./waiting/settle-action.ts";
export {
  actionWaitSchema,
  MAX_WAIT_SECONDS,
  proposeAndWaitInputSchema,
  proposeAndWaitResultSchema,
  waitForActionInputSchema,
  watchActionInputSchema,
  type ActionChange,
  type ActionWait,
  type ProposeAndWaitInput,
  type ProposeAndWaitResult,
  type WaitForActionInput,
  type WatchActionInput,
} from "./waiting/wait-inputs.ts";
export { findEscalationRecipient, type EscalationRecipient } from "./slack/find-escalation-recipient.ts";

export { approveAndTrust } from "./trust/approve-and-trust.ts";
export { listAutoApprovalGrants } from "./trust/list-auto-approval-grants.ts";
export { revokeAutoApprovalGrant } from "./trust/revoke-auto-approval-grant.ts";
export {
  approveAndTrustInputSchema,
  approveAndTrustResultSchema,
  autoApprovalGrantViewSchema,
  grantRefInputSchema,
  MAX_TRUST_DAYS,
  type ApproveAndTrustInput,
  type ApproveAndTrustResult,
  type AutoApprovalGrantView,
  type GrantRefInput,
} from "./trust/trust-inputs.ts";

export { decideBatch } from "./batches/decide-batch.ts";
export { decideBatchInputSchema, decideBatchResultSchema, type DecideBatchInput, type DecideBatchResult } from "./batches/batch-inputs.ts";
