import { DelayedError, UnrecoverableError, type Job } from "bullmq";

import { fireReminder, fireReminderJob, inSpan, queueNames, queueSpanAttributes, spanAttributes, type FireReminderDeps, type FireReminderOutcome } from "@leash/core";

/**
 * Maps a fired reminder to BullMQ: not yet due waits; a delivery refused for good (already recorded
 * in the action's timeline) stops the job; a transient failure is thrown as it is, so BullMQ retries
 * the job with backoff, and the reconciler re-enqueues the reminder if every attempt failed.
 */
export function createFireReminderProcessor(deps: FireReminderDeps) {
  return async (job: Job, token?: string): Promise<FireReminderOutcome> => {
    const payload = fireReminderJob.payload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`Malformed job payload: ${payload.error.message}`);
    const attributes = { ...queueSpanAttributes(queueNames.reminders, "process"), "messaging.message.id": job.id, [spanAttributes.tenantId]: payload.data.tenantId };
    const outcome = await inSpan(`process ${queueNames.reminders}`, { role: "consumer", attributes, unitOfWork: true }, async (span) => {
      const fired = await fireReminder(deps, payload.data);
      span.setAttribute("leash.reminder.outcome", fired.kind);
      return fired;
    });
    if (outcome.kind === "not_due") {
      await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
      throw new DelayedError();
    }
    if (outcome.kind === "undelivered") throw new UnrecoverableError(outcome.error);
    return outcome;
  };
}
