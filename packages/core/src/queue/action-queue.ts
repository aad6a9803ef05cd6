import { Queue } from "bullmq";
import type { Cluster, Redis } from "ioredis";

import { publishApiKeyChanges } from "../auth/api-key-changes.ts";
import { currentTraceparent, inSpan, noteActions, queueSpanAttributes } from "../observability/tracing.ts";

import {
  actionChangedChannel,
  actionStartedChannel,
  type ActionNews,
  actionEventJob,
  DEFAULT_QUEUE_PREFIX,
  deliverWebhookJob,
  executeActionJob,
  fireReminderJob,
  queueNames,
  type ActionEventPayload,
  type DeliverWebhookPayload,
  type ExecuteActionPayload,
  type FireReminderPayload,
} from "./queue-definitions.ts";

/** What services need from the queue; core never touches Redis any other way. */
export interface ActionQueue {
  /**
   * When tracing is on, each job carries a trace context: its own `trace` when given (a batch of
   * proposals from several requests, each continuing its request's trace), else the enqueuing span's.
   * A job `ahead` goes before the jobs already waiting (see `enqueueApproved`: who goes ahead).
   */
  enqueueExecutions(jobs: (Omit<ExecuteActionPayload, "trace"> & { trace?: string | undefined; ahead?: boolean })[]): Promise<void>;
  enqueueReminder(job: FireReminderPayload & { dueAt: Date }): Promise<void>;
  /** Removes a reminder's delayed job (its reminder was cancelled); nothing happens if there is none. */
  cancelReminder(reminderId: number): Promise<void>;
  /** Runs a delayed execution job now (its predecessor on the same target just finished). */
  promoteExecution(actionId: number): Promise<void>;
  /**
   * Whether a job for the action is waiting, delayed or running. A finished job left in Redis is
   * removed on the way, since its id would stop the action from being enqueued again.
   */
  hasLiveExecution(actionId: number): Promise<boolean>;
  hasLiveReminder(reminderId: number): Promise<boolean>;
  /** Adds webhook deliveries' jobs, each run at `runAt` (at once without it); a delivery whose job is in Redis keeps that job. */
  enqueueWebhookDeliveries(jobs: (DeliverWebhookPayload & { runAt?: Date })[]): Promise<void>;
  /** Runs a delivery's job now: a delayed one is promoted, a missing or finished one is added again. */
  wakeWebhookDelivery(job: DeliverWebhookPayload): Promise<void>;
  hasLiveWebhookDelivery(deliveryId: number): Promise<boolean>;
  /** Tells the Slack bot that actions changed (see publish-action-events.ts for which). */
  publishActionEvents(events: ActionEventPayload[]): Promise<void>;
  /** Names, in one PUBLISH, actions whose rows just changed (or that only started executing), to wake their waiters (see `actionChangedChannel`, `actionStartedChannel`). */
  publishActionChanges(actionIds: readonly number[], news?: ActionNews): Promise<void>;
  /** Tells every API instance that some of the tenant's keys are refused from now on (`apiKeysChangedChannel`). */
  publishApiKeyChanges(tenantId: string): Promise<void>;
  close(): Promise<void>;
}

export interface BullActionQueueOptions {
  /** A connection rather than options: the queues share it, and action changes are published over it. */
  connection: Redis | Cluster;
  prefix?: string;
}

/**
 * BullMQ jobs carry only ids. Retries are decided by core from the action's own attempt count
 * (Postgres is the source of truth); BullMQ's own attempts only cover infrastructure failures
 * such as a database that is down for a while.
 */
export function createBullActionQueue({ connection, prefix = DEFAULT_QUEUE_PREFIX }: BullActionQueueOptions): ActionQueue {
  const actions = new Queue(queueNames.actions, { connection, prefix });
  const reminders = new Queue(queueNames.reminders, { connection, prefix });
  const actionEvents = new Queue(queueNames.actionEvents, { connection, prefix });
  const webhooks = new Queue(queueNames.webhooks, { connection, prefix });
  const infrastructureRetries = { attempts: 12, backoff: { type: "exponential", delay: 500 } } as const;

  const live = async (queue: Queue, jobId: string) => {
    const state = await queue.getJobState(jobId);
    return state === "waiting" || state === "active" || state === "delayed" || state === "prioritized" || state === "waiting-children";
  };
  const clearFinished = async (queue: Queue, jobId: string) => {
    const state = await queue.getJobState(jobId);
    if (state === "completed" || state === "failed") await queue.remove(jobId);
  };

  // A finished webhook job is removed at once, so the same delivery can be enqueued again (send again, the next in order).
  const webhookJob = ({ runAt, ...payload }: DeliverWebhookPayload & { runAt?: Date | undefined }) => ({
    name: deliverWebhookJob.name,
    data: payload,
    opts: {
      jobId: deliverWebhookJob.jobId(payload.deliveryId),
      delay: runAt === undefined ? 0 : Math.max(0, runAt.getTime() - Date.now()),
      ...infrastructureRetries,
      removeOnComplete: true,
      removeOnFail: { count: 1000 },
    },
  });

  return {
    async enqueueExecutions(jobs) {
      if (jobs.length === 0) return;
      const attributes = { ...queueSpanAttributes(queueNames.actions, "send"), "messaging.batch.message_count": jobs.length };
      await inSpan(`send ${queueNames.actions}`, { role: "producer", attributes }, async () => {
        noteActions(jobs.map((job) => job.actionId));
        const trace = currentTraceparent();
        await actions.addBulk(
          jobs.map(({ trace: own, ahead, ...payload }) => ({
            name: executeActionJob.name,
            data: { ...payload, ...((own ?? trace) === undefined ? {} : { trace: own ?? trace }) },
            opts: {
              jobId: executeActionJob.jobId(payload.actionId),
              // The head of the wait list, where the worker takes its next job: O(1) as the tail is.
              ...(ahead ? { lifo: true } : {}),
              ...infrastructureRetries,
              removeOnComplete: { count: 1000 },
              removeOnFail: { count: 5000 },
            },
          })),
        );
      });
    },
    async enqueueReminder({ dueAt, ...payload }) {
      const jobId = fireReminderJob.jobId(payload.reminderId);
      await clearFinished(reminders, jobId);
      await reminders.add(fireReminderJob.name, payload, {
        jobId,
        delay: Math.max(0, dueAt.getTime() - Date.now()),
        ...infrastructureRetries,
        removeOnComplete: { count: 1000 },
        removeOnFail: { count: 5000 },
      });
    },
    async cancelReminder(reminderId) {
      await reminders.remove(fireReminderJob.jobId(reminderId));
    },
    async promoteExecution(actionId) {
      const job = await actions.getJob(executeActionJob.jobId(actionId));
      if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
    },
    async hasLiveExecution(actionId) {
      const jobId = executeActionJob.jobId(actionId);
      if (await live(actions, jobId)) return true;
      await clearFinished(actions, jobId);
      return false;
    },
    async hasLiveReminder(reminderId) {
      const jobId = fireReminderJob.jobId(reminderId);
      if (await live(reminders, jobId)) return true;
      await clearFinished(reminders, jobId);
      return false;
    },
    async enqueueWebhookDeliveries(jobs) {
      if (jobs.length === 0) return;
      await webhooks.addBulk(jobs.map(webhookJob));
    },
    async wakeWebhookDelivery(payload) {
      const jobId = deliverWebhookJob.jobId(payload.deliveryId);
      const state = await webhooks.getJobState(jobId);
      if (state === "delayed") {
        const job = await webhooks.getJob(jobId);
        // It may have started meanwhile: then it runs anyway.
        await job?.promote().catch(() => undefined);
        return;
      }
      if (state === "waiting" || state === "active" || state === "prioritized" || state === "waiting-children") return;
      if (state === "completed" || state === "failed") await webhooks.remove(jobId);
      const job = webhookJob(payload);
      await webhooks.add(job.name, job.data, job.opts);
    },
    async hasLiveWebhookDelivery(deliveryId) {
      const jobId = deliverWebhookJob.jobId(deliveryId);
      if (await live(webhooks, jobId)) return true;
      await clearFinished(webhooks, jobId);
      return false;
    },
    async publishActionEvents(events) {
      if (events.length === 0) return;
      await actionEvents.addBulk(
        events.map((payload) => ({
          name: actionEventJob.name,
          data: payload,
          // Slack may be briefly away: a card update is retried for about a minute, then given up.
          opts: { attempts: 6, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } },
        })),
      );
    },
    async publishActionChanges(actionIds, news = "changed") {
      if (actionIds.length === 0) return;
      await connection.publish((news === "started" ? actionStartedChannel : actionChangedChannel).name(prefix), JSON.stringify(actionIds));
    },
    async publishApiKeyChanges(tenantId) {
      await publishApiKeyChanges(connection, prefix, tenantId);
    },
    async close() {
      await Promise.all([actions.close(), reminders.close(), actionEvents.close(), webhooks.close()]);
    },
  };
}
