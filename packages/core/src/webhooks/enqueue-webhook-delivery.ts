import type { CoreDeps } from "../deps.ts";

/**
 * Runs a delivery's job now, after the request that made it pending committed. Redis being away
 * does not fail the request: the delivery is safe in Postgres and the reconciler enqueues it.
 */
export async function enqueueWebhookDelivery(deps: Pick<CoreDeps, "queue" | "logger">, job: { deliveryId: number; tenantId: string }): Promise<void> {
  try {
    await deps.queue.wakeWebhookDelivery(job);
  } catch (error) {
    deps.logger.warn({ ...job, err: error instanceof Error ? error.message : String(error) }, "could not enqueue a webhook delivery; the reconciler will");
  }
}
