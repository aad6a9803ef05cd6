import { DelayedError, UnrecoverableError, type Job } from "bullmq";

import {
  deliverWebhook,
  deliverWebhookJob,
  inSpan,
  isCoreError,
  queueNames,
  queueSpanAttributes,
  spanAttributes,
  type DeliverWebhookDeps,
  type DeliverWebhookOutcome,
  type WebhookPolicy,
} from "@leash/core";

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
      const attributes = { ...queueSpanAttributes(queueNames.webhooks, "process"), "messaging.message.id": job.id, [spanAttributes.tenantId]: payload.data.tenantId };
      outcome = await inSpan(`process ${queueNames.webhooks}`, { role: "consumer", attributes, unitOfWork: true }, async (span) => {
        const attempted = await deliverWebhook(deps, { ...payload.data, policy });
        span.setAttribute("leash.webhook.outcome", attempted.kind);
        return attempted;
      });
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
