import { DelayedError, UnrecoverableError, type Job } from "bullmq";

import { deliverWebhook, deliverWebhookJob, isCoreError, type DeliverWebhookDeps, type DeliverWebhookOutcome, type WebhookPolicy } from "@leash/core";

/**
 * Maps one webhook attempt to BullMQ: an attempt to retry, or a delivery not yet due, waits in the
 * delayed set (retries are counted on the delivery in Postgres, not as BullMQ attempts); anything
 * else is done. A failure to reach Postgres is thrown as it is, so BullMQ retries the job; a
 * misconfiguration (no CONNECTOR_SECRET_KEY) stops it, and the reconciler brings it back later.
 */
export function createDeliverWebhookProcessor(deps: DeliverWebhookDeps, policy: WebhookPolicy) {
  return async (job: Job, token?: string): Promise<DeliverWebhookOutcome> => {
    const payload = deliverWebhookJob.payload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`Malformed job payload: ${payload.error.message}`);
    let outcome: DeliverWebhookOutcome;
    try {
      outcome = await deliverWebhook(deps, { ...payload.data, policy });
    } catch (error) {
      if (isCoreError(error) && !error.retryable) throw new UnrecoverableError(error.message);
      throw error;
    }
    if (outcome.kind === "retry" || outcome.kind === "not_due") {
      await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
      throw new DelayedError();
    }
    return outcome;
  };
}
