import { z } from "zod";

import { traceparentSchema } from "../observability/tracing.ts";

/**
 * Queue names and job payloads shared by producers (API, web, Slack bot) and consumers (worker).
 * The prefix is hash-tagged so that every key of a queue lands in one slot on Redis Cluster.
 */
export const DEFAULT_QUEUE_PREFIX = "{leash}";

export const queueNames = {
  actions: "actions",
  reminders: "reminders",
  actionEvents: "action-events",
  webhooks: "webhooks",
} as const;

export const executeActionJob = {
  name: "execute-action",
  payload: z.strictObject({
    actionId: z.int().positive(),
    tenantId: z.uuid(),
    /** The enqueuing span's trace context, set only when tracing is on: the worker's span continues that trace. */
    trace: traceparentSchema.optional(),
  }),
  /** Job id = action id: enqueuing the same action twice adds one job while the first is in Redis. */
  jobId: (actionId: number) => `action-${actionId}`,
};
export type ExecuteActionPayload = z.infer<typeof executeActionJob.payload>;

export const fireReminderJob = {
  name: "fire-reminder",
  payload: z.strictObject({ reminderId: z.int().positive(), tenantId: z.uuid() }),
  jobId: (reminderId: number) => `reminder-${reminderId}`,
};
export type FireReminderPayload = z.infer<typeof fireReminderJob.payload>;

export const deliverWebhookJob = {
  name: "deliver-webhook",
  payload: z.strictObject({ deliveryId: z.int().positive().max(Number.MAX_SAFE_INTEGER), tenantId: z.uuid() }),
  /** Job id = delivery id: one job per delivery while it is in Redis (Postgres says whether it is still to send). */
  jobId: (deliveryId: number) => `webhook-${deliveryId}`,
};
export type DeliverWebhookPayload = z.infer<typeof deliverWebhookJob.payload>;

/** What happened to an action that needs a person; the Slack bot keeps the action's card in sync with it. */
export const actionEventTypes = [
  "proposed",
  "approved",
  "rejected",
  "cancelled",
  "executed",
  "failed",
  "rollback_requested",
  "rolled_back",
  "reminder_sent",
  "escalated",
  "approval_added",
  "returned_to_pending",
] as const;

export const actionEventJob = {
  name: "action-event",
  payload: z.strictObject({ tenantId: z.uuid(), actionId: z.int().positive(), type: z.enum(actionEventTypes) }),
};
export type ActionEventPayload = z.infer<typeof actionEventJob.payload>;

/**
 * The pub/sub channel on which writers name, after their commit, the actions whose rows changed, so
 * that waits (action.wait, action.watch, proposeAndWait) wake at once instead of at their next poll.
 * A message carries ids only: waiters read the row again, Postgres stays the source of truth. A
 * plain PUBLISH reaches the subscribers of every node of a Redis Cluster, so one channel serves all
 * API instances whichever node each is subscribed through.
 */
export const actionChangedChannel = {
  name: (prefix: string) => `${prefix}:action-changed`,
  payload: z.array(z.int().positive()).min(1),
};

/**
 * Actions a worker started executing (now `executing`), on a channel of their own: news for streams
 * that show every state (action.watch), and none for waits that end only once an action is settled,
 * which would otherwise read the action once more, in the middle of its execution, for nothing.
 */
export const actionStartedChannel = {
  name: (prefix: string) => `${prefix}:action-started`,
  payload: actionChangedChannel.payload,
};

/**
 * A tenant's API keys changed in a way that refuses some (a key revoked, its owner deactivated): every
 * API instance drops what its key cache remembers of that tenant, so those keys are refused as soon as
 * the message arrives rather than when the cache would have expired them (API_KEY_CACHE_MS).
 */
export const apiKeysChangedChannel = {
  name: (prefix: string) => `${prefix}:api-keys-changed`,
  payload: z.object({ tenantId: z.uuid() }),
};

/** What an announcement says of its actions: they changed (any change a waiter can see), or only started executing. */
export type ActionNews = "changed" | "started";

export interface RetryPolicy {
  /** Delay before the second attempt; each further attempt waits twice as long, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { baseDelayMs: 1_000, maxDelayMs: 60_000 };

/** Delay before the attempt that follows attempt number `attempt` (1-based). */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
}
