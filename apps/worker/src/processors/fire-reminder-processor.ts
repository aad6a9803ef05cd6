import { DelayedError, UnrecoverableError, type Job } from "bullmq";

import { fireReminder, fireReminderJob, type CoreDeps, type FireReminderOutcome } from "@leash/core";

export function createFireReminderProcessor(deps: Pick<CoreDeps, "db" | "clock">) {
  return async (job: Job, token?: string): Promise<FireReminderOutcome> => {
    const payload = fireReminderJob.payload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`Malformed job payload: ${payload.error.message}`);
    const outcome = await fireReminder(deps, payload.data);
    if (outcome.kind === "not_due") {
      await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
      throw new DelayedError();
    }
    return outcome;
  };
}
