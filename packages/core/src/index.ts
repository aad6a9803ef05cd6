export { type Actor, actorRef, systemActor } from "./actor.ts";
export { can, assertCan, type Permission } from "./authorization.ts";
export { type Clock, systemClock } from "./clock.ts";
export { type CoreDeps, DEFAULT_MAX_ATTEMPTS } from "./deps.ts";
export { DEFAULT_MAX_PENDING_ACTIONS } from "./proposals/check-pending-cap.ts";
export { CoreError, isCoreError, type CoreErrorCode, type InvalidIssue } from "./errors.ts";
export { inputIssues } from "./validation.ts";
export { fieldLabel, issueSentence, issuesSummary, issueWording } from "./issue-wording.ts";
export { createLogger, silentLogger, type Logger } from "./logger.ts";

export { itemDataSchemas } from "./items/item-data.ts";
export { targetTypeSchema } from "./items/target-type.ts";

export {
  defineActionType,
  type ActionDefinition,
  type ActionServices,
  type AnyActionDefinition,
  type HandlerContext,
  type HandlerOutcome,
  type ItemChange,
  type PrepareContext,
  type PresentContext,
  type PresentedAction,
  type Reversibility,
  type TargetRule,
} from "./action-types/action-definition.ts";
export {
  actionTypeNames,
  actionTypeOf,
  actionTypes,
  builtInActionTypes,
  findActionType,
  registerActionType,
  registeredActionTypes,
  type ActionRegistry,
  type BuiltInActionType,
} from "./action-types/action-type-registry.ts";
export { actionTypeSchema } from "./action-types/action-type-schema.ts";
export { createAction } from "./action-types/create-item.ts";
export { updateAction } from "./action-types/update-item.ts";
export { deleteAction } from "./action-types/delete-item.ts";
export { linkAction } from "./action-types/link-items.ts";
export { notifyAction } from "./action-types/notify.ts";
export { scheduleAction } from "./action-types/schedule-reminder.ts";
export { EXTERNAL_OUTCOME_WINDOW_MS, externalAction, externalParameters } from "./action-types/external-tool.ts";
export { httpAction, httpParameters } from "./action-types/http-request.ts";
export { loadActionTypeModules } from "./action-types/load-action-type-modules.ts";
export { findLiveItem, itemSnapshot, updateItemIfUnchanged } from "./action-types/item-store.ts";
export {
  actionIdSchema,
  actionRefInputSchema,
  cancelActionInputSchema,
  completeActionInputSchema,
  listActionsInputSchema,
  rejectActionInputSchema,
  type CancelActionInput,
  type CompleteActionInput,
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
  proposalCommonFields,
  proposalVariant,
  registeredProposalSchema,
  type ProposalInputOf,
  type ProposeActionInput,
  type ProposeBatchInput,
} from "./proposals/proposal-schema.ts";
export { actionTransitions, canTransition, isTerminal, terminalStatuses } from "./actions/state-machine.ts";
export { proposeAction, proposeBatch, type ProposeResult } from "./proposals/propose-action.ts";
export { createProposalBatcher, DEFAULT_PROPOSAL_BATCH_SIZE, type ProposalBatcher } from "./proposals/proposal-batcher.ts";
export { approveAction } from "./decisions/approve-action.ts";
export { approveActionInputSchema, type ApproveActionInput } from "./actions/action-inputs.ts";
export { approvalsViewSchema, describeApprovals, type ApprovalsView } from "./decisions/action-approvals.ts";
export { isReversibleType } from "./action-types/reversible-types.ts";
export {
  fieldForIssue,
  parameterFieldName,
  parameterFormFields,
  parameterFormValues,
  parametersFromForm,
  type FormIssue,
  type ParameterField,
  type PostedForm,
} from "./action-types/parameter-form.ts";
export { SeparationOfDutiesError } from "./decisions/check-separation-of-duties.ts";
export { checkApproval } from "./decisions/check-approval.ts";
export { rejectAction } from "./decisions/reject-action.ts";
export { cancelAction } from "./decisions/cancel-action.ts";
export { getAction, actionHistory } from "./actions/get-action.ts";
export { listActions } from "./actions/list-actions.ts";

export { executeActions, type ExecuteActionsOptions, type ExecutionOutcome, type ExecutionRequest, type ExecutionSettings } from "./execution/execute-actions.ts";
export { createExecutionBatcher, DEFAULT_EXECUTION_BATCH_SIZE, DEFAULT_EXECUTION_BATCHES_IN_FLIGHT, type ExecutionBatcher, type ExecutionBatcherOptions } from "./execution/execution-batcher.ts";
export { completeAction } from "./execution/complete-action.ts";
export { failUnreportedActions } from "./execution/fail-unreported-actions.ts";
export { fireReminder, type FireReminderDeps, type FireReminderOutcome } from "./reminders/fire-reminder.ts";
export { reconcileQueue, type ReconcileOptions, type ReconcileResult } from "./reconcile/reconcile-queue.ts";
export { sealAuditChain, type SealResult } from "./audit/seal-audit-chain.ts";
export { verifyAuditChain, type AuditVerification, type BrokenLink } from "./audit/verify-audit-chain.ts";

export { setPolicy } from "./policies/set-policy.ts";
export { listPolicies } from "./policies/list-policies.ts";
export { deletePolicy } from "./policies/delete-policy.ts";
export { resolvePolicy } from "./policies/resolve-policy.ts";
export { listBackupApprovers } from "./policies/list-backup-approvers.ts";
export { durationParts, durationUnits, formatDuration, MAX_POLICY_SECONDS, secondsFromDuration, type DurationUnit } from "./policies/policy-duration.ts";
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

export { createBullActionQueue, type ActionQueue } from "./queue/action-queue.ts";
export {
  actionChangedChannel,
  actionStartedChannel,
  apiKeysChangedChannel,
  actionEventJob,
  actionEventTypes,
  DEFAULT_QUEUE_PREFIX,
  defaultRetryPolicy,
  deliverWebhookJob,
  executeActionJob,
  fireReminderJob,
  queueNames,
  retryDelayMs,
  type ActionEventPayload,
  type DeliverWebhookPayload,
  type RetryPolicy,
} from "./queue/queue-definitions.ts";
export { queueStats, type QueueStats } from "./queue/queue-stats.ts";
export { countActions } from "./queue/count-actions.ts";
export { boundedCountSchema, COUNT_CAP, type BoundedCount } from "./bounded-count.ts";

export { authenticateApiKey, createApiKey } from "./auth/api-keys.ts";
export { cacheApiKeyActors, type ApiKeyAuthenticator, type ApiKeyCacheOptions, type CachedApiKeyActors } from "./auth/cache-api-key-actors.ts";
export { announceApiKeyChanges, listenForApiKeyChanges } from "./auth/api-key-changes.ts";
export type { ChannelSubscriber } from "./redis/listen-on-channels.ts";
export { hashPassword, verifyPassword } from "./auth/passwords.ts";
export { createTenant, createUser, findTenantBySlug } from "./auth/tenants-and-users.ts";

export { actionReversibility, loadItemFacts, presentAction, type ActionPresentation, type PresentOptions } from "./presentation/action-presentation.ts";
export { nameStepReferences, type RunStep } from "./presentation/step-references.ts";
export { humanField, quoted, showParameter, showValue, truncate, type ChangeLine, type ItemFacts } from "./presentation/present-values.ts";

export { signIn, signInInputSchema, type SignInInput } from "./auth/sign-in.ts";
export { SESSION_MAX_AGE_MS, sessionClaimsSchema, userForSession, type SessionClaims } from "./auth/user-for-session.ts";
export { signOutEverywhere, signOutEverywhereInputSchema, type SignOutEverywhereInput } from "./auth/sign-out-everywhere.ts";
export type { SignedInUser } from "./auth/signed-in-user.ts";

export { listUsers } from "./people/list-users.ts";
export { addUser } from "./people/add-user.ts";
export { changeUserRole } from "./people/change-user-role.ts";
export { deactivateUser } from "./people/deactivate-user.ts";
export { reactivateUser } from "./people/reactivate-user.ts";
export { resetUserPassword } from "./people/reset-user-password.ts";
export { addUserInputSchema, changeUserRoleInputSchema, userRefInputSchema, userRoles, type AddUserInput, type ChangeUserRoleInput, type UserRefInput } from "./people/people-inputs.ts";
export type { PersonView } from "./people/person-view.ts";
export { listAdminEvents, type AdminEventView } from "./audit/list-admin-events.ts";
export { listApiKeys } from "./api-keys/list-api-keys.ts";
export { issueApiKey } from "./api-keys/issue-api-key.ts";
export { renameApiKey } from "./api-keys/rename-api-key.ts";
export { revokeTenantApiKey } from "./api-keys/revoke-tenant-api-key.ts";
export { apiKeyRefInputSchema, issueApiKeyInputSchema, renameApiKeyInputSchema, type ApiKeyRefInput, type IssueApiKeyInput, type RenameApiKeyInput } from "./api-keys/api-key-inputs.ts";
export type { ApiKeyView } from "./api-keys/api-key-view.ts";
export { getSsoSettings } from "./sso/get-sso-settings.ts";
export { saveSsoSettings } from "./sso/save-sso-settings.ts";
export { removeSsoSettings } from "./sso/remove-sso-settings.ts";
export { startSsoSignIn } from "./sso/start-sso-sign-in.ts";
export { finishSsoSignIn } from "./sso/finish-sso-sign-in.ts";
export { pendingSsoSignInSchema, saveSsoSettingsInputSchema, startSsoSignInInputSchema, type PendingSsoSignIn, type SaveSsoSettingsInput, type StartSsoSignInInput } from "./sso/sso-inputs.ts";
export type { SsoDeps } from "./sso/sso-client.ts";
export type { SsoSettingsView } from "./sso/sso-settings-view.ts";
export { createThrottle, type Throttle, type ThrottleLimit } from "./throttle/create-throttle.ts";
export { createSignInThrottle, SIGN_IN_THROTTLE_LIMITS, type SignInThrottle } from "./throttle/create-sign-in-throttle.ts";
export { API_KEY_LOOKUP_THROTTLE_LIMIT, createApiKeyLookupThrottle } from "./throttle/create-api-key-lookup-throttle.ts";
export { throttleApiKeyLookups, type AddressedApiKeyAuthenticator } from "./throttle/throttle-api-key-lookups.ts";
export { listItems, listItemsInputSchema, type ListItemsInput } from "./items/list-items.ts";
export { getItem, getItemInputSchema, type GetItemInput, type ItemDetail, type ItemLinkView } from "./items/get-item.ts";
export type { ItemView } from "./items/item-view.ts";

export { linkSlackWorkspace } from "./slack/link-slack-workspace.ts";
export { unlinkSlackWorkspace } from "./slack/unlink-slack-workspace.ts";
export { linkSlackUser } from "./slack/link-slack-user.ts";
export { findSlackWorkspace } from "./slack/find-slack-workspace.ts";
export { resolveSlackActor, type SlackRequester } from "./slack/resolve-slack-actor.ts";
export { checkDecision } from "./slack/check-decision.ts";
export { findSlackCardKey, type SlackCardKey } from "./slack/find-slack-card-key.ts";
export { loadSlackCard, type SlackCard } from "./slack/load-slack-card.ts";
export { recordSlackMessage } from "./slack/record-slack-message.ts";
export type { SlackWorkspaceView } from "./slack/slack-workspace-view.ts";
export type { LinkSlackUserInput, LinkSlackWorkspaceInput, UnlinkSlackWorkspaceInput } from "./slack/slack-inputs.ts";
export { slackTeamIdSchema } from "./slack/slack-inputs.ts";

export { actionDetailSchema, actionEventViewSchema, actionViewSchema, type ActionDetail } from "./actions/action-view.ts";
export { actionFilterFields } from "./actions/action-inputs.ts";
export { jsonObjectSchema, jsonValueSchema } from "./actions/json.ts";
export { nestsDeeperThan } from "./actions/json-walk.ts";
export { actionPageSchema, type ActionPage } from "./actions/list-actions.ts";
export { proposeBatchResultSchema, proposeResultSchema, type ProposeBatchResult } from "./proposals/propose-action.ts";
export type { ItemState, RollbackChange, RollbackSupport, UndoContext } from "./action-types/action-definition.ts";
export { preferenceViewSchema } from "./preferences/preference-inputs.ts";
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
export { DEMO, DEMO_TEMPLATE, ensureDemoTemplate, seedDemo, type DemoSeedResult } from "./admin/seed-demo.ts";
export { DEMO_CONNECTOR_BASE_URL, DEMO_CONNECTOR_NAME, demoConnectorInput, ensureDemoConnector, type DemoConnectorOutcome } from "./admin/ensure-demo-connector.ts";
export { DEMO_WEBHOOK_URL, ensureDemoWebhook, type DemoWebhookOutcome } from "./admin/ensure-demo-webhook.ts";

export { sweepPendingDeadlines, DEADLINE_ACTOR_LABEL, type SweepResult } from "./deadlines/sweep-pending-deadlines.ts";
export { policyDeadlines, type DeadlinePolicy, type PendingDeadlines } from "./deadlines/policy-deadlines.ts";
export { describeDuration, describeExpiry } from "./deadlines/duration-wording.ts";

export {
  createActionWatcher,
  DEFAULT_SAFETY_POLL_MS,
  DEFAULT_WATCH_INTERVAL_MS,
  type ActionWatcher,
  type ActionWatcherOptions,
} from "./waiting/action-watcher.ts";
export { proposeAndWait } from "./waiting/propose-and-wait.ts";
export { waitForAction } from "./waiting/wait-for-action.ts";
export { watchAction } from "./waiting/watch-action.ts";
export { createWaitSlots, DEFAULT_MAX_WAITS_PER_KEY, DEFAULT_WAIT_SLOT_TTL_MS, type WaitSlot, type WaitSlots, type WaitSlotsOptions } from "./waiting/wait-slots.ts";
export type { WaitDeps } from "./waiting/settle-action.ts";
export {
  actionWaitSchema,
  MAX_WAIT_SECONDS,
  proposeAndWaitInputSchema,
  proposeAndWaitResultSchema,
  waitForActionInputSchema,
  waitSecondsSchema,
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

export { notificationChannels, isNotificationChannel, type NotificationChannel } from "./delivery/notification-channels.ts";
export { checkChannelConfigured, channelNotConfigured } from "./delivery/check-channel-configured.ts";
export { configureDelivery, type DeliverySettings } from "./delivery/configure-delivery.ts";
export { consoleLinkEnv, deliveryEnv, engineEnv, observabilityEnv, storesEnv } from "./settings/settings-env.ts";
export { createRedisConnection, type RedisConnection, type RedisConnectionOptions, type RedisRole } from "./redis/create-redis-connection.ts";
export { parseRedisUrl, type RedisClusterSeed, type RedisTarget } from "./redis/parse-redis-url.ts";
export { hashTagOf, resolveRedisUrl, type RedisSettings } from "./redis/resolve-redis-url.ts";
export { configureEngine, type EngineDeps, type EngineSettings } from "./settings/configure-engine.ts";
export {
  createNotificationDelivery,
  type ChannelReceipt,
  type DeliveredNotification,
  type NotificationDelivery,
  type NotificationDeliveryOptions,
} from "./delivery/create-notification-delivery.ts";
export { createEmailSender, DEFAULT_EMAIL_SUBJECT, type EmailSender, type EmailSenderOptions, type EmailSent, type EmailToSend } from "./delivery/create-email-sender.ts";
export {
  createSlackSender,
  SLACK_METADATA_EVENT,
  type SlackDestination,
  type SlackMessage,
  type SlackPosted,
  type SlackSender,
  type SlackSenderOptions,
} from "./delivery/create-slack-sender.ts";
export { deliveryReference, type ApprovalMailReference, type DeliveryReference, type EmailReference } from "./delivery/delivery-reference.ts";
export { mayDecide, type DecisionFacts } from "./decisions/may-decide.ts";
export { decisionRefusalFor, type DecisionRefusal } from "./decisions/decision-refusal-for.ts";
export { irreversibleApprovalRefusal } from "./decisions/irreversible-approval.ts";
export { INBOX_LIMIT, listInbox, listInboxInputSchema, type Inbox, type InboxEntry, type InboxGroup, type InboxRun, type ListInboxInput } from "./inbox/list-inbox.ts";
export { getApprovalMailSetting } from "./approval-mail/get-approval-mail-setting.ts";
export { setApprovalMailSetting } from "./approval-mail/set-approval-mail-setting.ts";
export {
  MAX_DIGEST_MINUTES,
  MIN_DIGEST_MINUTES,
  setApprovalMailInputSchema,
  type ApprovalMailSettingView,
  type SetApprovalMailInput,
} from "./approval-mail/approval-mail-inputs.ts";
export { sweepApprovalMail, type ApprovalMailSweepOptions, type ApprovalMailSweepResult, type SentApprovalMail } from "./approval-mail/sweep-approval-mail.ts";
export { sendDeadlineNotices, type DeadlineNoticeOptions, type DeadlineNoticeResult } from "./approval-mail/send-deadline-notices.ts";
export type { ApprovalMailKind } from "./approval-mail/compose-approval-mail.ts";
export { reminderDestinations, type ReminderDestination } from "./reminders/reminder-destinations.ts";
export { listMyNotifications } from "./notifications/list-my-notifications.ts";
export { countUnreadNotifications } from "./notifications/count-unread-notifications.ts";
export { markNotificationRead } from "./notifications/mark-notification-read.ts";
export {
  listMyNotificationsInputSchema,
  markNotificationReadInputSchema,
  notificationViewSchema,
  type ListMyNotificationsInput,
  type MarkNotificationReadInput,
  type NotificationView,
} from "./notifications/notification-inputs.ts";

export { createConnector } from "./connectors/create-connector.ts";
export { updateConnector } from "./connectors/update-connector.ts";
export { deleteConnector } from "./connectors/delete-connector.ts";
export { listConnectors } from "./connectors/list-connectors.ts";
export { rotateConnectorSigningSecret } from "./connectors/rotate-connector-signing-secret.ts";
export { findConnector } from "./connectors/find-connector.ts";
export { checkConnectorRequest } from "./connectors/check-connector-request.ts";
export { connectorRequestUrl, type ConnectorUrlCheck } from "./connectors/connector-request-url.ts";
export { sendConnectorRequest, type ConnectorResult, type SendConnectorRequestOptions } from "./connectors/send-connector-request.ts";
export { MAX_RESPONSE_BYTES } from "./connectors/read-capped-body.ts";
export { MAX_CONNECTOR_REDIRECTS } from "./connectors/follow-redirect.ts";
export type { ResolveHost, ResolvedAddress } from "./connectors/pin-address.ts";
export type { ConnectorJson } from "./connectors/response-body.ts";
export { renderUndoRequest, type UndoRequest, type UndoRequestContext } from "./connectors/render-undo-request.ts";
export type { StoredConnector } from "./connectors/stored-connector.ts";
export { missingConnectorKeyMessage } from "./connectors/connector-secrets.ts";
export { SIGNING_SECRET_GRACE_HOURS } from "./connectors/signing-secret-rotation.ts";
export {
  connectorRefInputSchema,
  connectorSettingsSchema,
  createConnectorInputSchema,
  rotateConnectorSigningSecretInputSchema,
  updateConnectorInputSchema,
  type ConnectorRefInput,
  type CreateConnectorInput,
  type RotateConnectorSigningSecretInput,
  type UpdateConnectorInput,
} from "./connectors/connector-inputs.ts";
export {
  DEFAULT_CONNECTOR_TIMEOUT_MS,
  httpMethods,
  httpMethodSchema,
  MAX_CONNECTOR_TIMEOUT_MS,
  MIN_CONNECTOR_TIMEOUT_MS,
  type ConnectorHeaderInput,
  type HttpMethod,
} from "./connectors/connector-fields.ts";
export { undoTemplateSchema, type UndoTemplate } from "./connectors/undo-template-schema.ts";
export {
  connectorViewSchema,
  connectorWithSigningSecretSchema,
  type ConnectorHeaderView,
  type ConnectorView,
  type ConnectorWithSigningSecret,
} from "./connectors/connector-view.ts";

export { summarizeMetrics, WITHOUT_KEY_NAME } from "./metrics/summarize-metrics.ts";
export { metricsSummaryInputSchema, metricsSummarySchema, type Headline, type MetricsSummary, type MetricWindow } from "./metrics/metric-inputs.ts";

export { createWebhookEndpoint, MAX_WEBHOOK_ENDPOINTS } from "./webhooks/create-webhook-endpoint.ts";
export { updateWebhookEndpoint } from "./webhooks/update-webhook-endpoint.ts";
export { deleteWebhookEndpoint } from "./webhooks/delete-webhook-endpoint.ts";
export { listWebhookEndpoints } from "./webhooks/list-webhook-endpoints.ts";
export { listWebhookEndpointDetails } from "./webhooks/list-webhook-endpoint-details.ts";
export { getWebhookEndpoint } from "./webhooks/get-webhook-endpoint.ts";
export { rotateWebhookSecret } from "./webhooks/rotate-webhook-secret.ts";
export { listWebhookDeliveries } from "./webhooks/list-webhook-deliveries.ts";
export { redeliverWebhook } from "./webhooks/redeliver-webhook.ts";
export { sendTestWebhook } from "./webhooks/send-test-webhook.ts";
export { deliverWebhook, type DeliverWebhookDeps, type DeliverWebhookOutcome } from "./webhooks/deliver-webhook.ts";
export { reconcileWebhookDeliveries, type ReconcileWebhooksResult } from "./webhooks/reconcile-webhook-deliveries.ts";
export { enqueueReadyWebhookDeliveries } from "./webhooks/enqueue-ready-webhook-deliveries.ts";
export { defaultWebhookPolicy, type WebhookPolicy } from "./webhooks/webhook-policy.ts";
export { WEBHOOK_TEST_EVENT_TYPE, webhookEventTypes, webhookEventTypeSchema, type WebhookEventType } from "./webhooks/webhook-event-types.ts";
export { MAX_WEBHOOK_URL_LENGTH } from "./webhooks/webhook-url.ts";
export {
  createWebhookEndpointInputSchema,
  listWebhookDeliveriesInputSchema,
  rotateWebhookSecretInputSchema,
  updateWebhookEndpointInputSchema,
  webhookDeliveryRefInputSchema,
  webhookDeliveryStatuses,
  webhookEndpointRefInputSchema,
  type CreateWebhookEndpointInput,
  type ListWebhookDeliveriesInput,
  type RotateWebhookSecretInput,
  type UpdateWebhookEndpointInput,
  type WebhookDeliveryRefInput,
  type WebhookEndpointRefInput,
} from "./webhooks/webhook-inputs.ts";
export {
  WEBHOOK_ATTEMPTS_SHOWN,
  webhookAttemptViewSchema,
  webhookDeliveryPageSchema,
  webhookDeliveryViewSchema,
  webhookEndpointDetailSchema,
  webhookEndpointViewSchema,
  webhookEndpointWithSecretSchema,
  type WebhookAttemptView,
  type WebhookDeliveryPage,
  type WebhookDeliveryView,
  type WebhookEndpointDetail,
  type WebhookEndpointView,
  type WebhookEndpointWithSecret,
} from "./webhooks/webhook-view.ts";

export { createMetricsRegistry, type Registry } from "./observability/metrics-registry.ts";
export { createActionCounters, type ActionCounters } from "./observability/action-counters.ts";
export { createApiMetrics, type ApiMetrics } from "./observability/api-metrics.ts";
export { KEEP_ALIVE_MS, keepIdleConnections } from "./http/keep-idle-connections.ts";
export { createWorkerMetrics, type WorkerMetrics, type WorkerSamplers } from "./observability/worker-metrics.ts";
export { createSlackbotMetrics, type SlackbotMetrics } from "./observability/slackbot-metrics.ts";
export { metricsHandler } from "./observability/serve-metrics.ts";
export {
  annotateSpan,
  contextFromTraceparent,
  currentTraceparent,
  inSpan,
  markSpanFailed,
  noteActions,
  queueSpanAttributes,
  spanAttributes,
  traceLogFields,
  type Span,
  type SpanOptions,
} from "./observability/tracing.ts";
export { startTracing, tracingEnv, type StartTracingOptions, type Tracing } from "./observability/start-tracing.ts";
export { measureSealingLag } from "./audit/measure-sealing-lag.ts";
export { oldestApprovedAge } from "./queue/oldest-approved-age.ts";
