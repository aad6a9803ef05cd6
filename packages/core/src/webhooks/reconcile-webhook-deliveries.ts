import { Prisma } from "@leash/db";

import type { CoreDeps } from "../deps.ts";
import { firstInLineSql } from "./first-in-line-sql.ts";

export interface ReconcileWebhooksResult {
  requeued: number[];
}

export interface ReconcileWebhooksOptions {
  /**
   * How long past its next attempt time a delivery is left to its own job before it counts as lost.
   * Every writer of a pending delivery sets that time to now or later (created, redelivered, endpoint
   * enabled again, an attempt's claim, a retry), and enqueues after its commit: a delivery still
   * within the grace has an enqueue or an attempt on its way, and is not taken for lost.
   */
  graceMs: number;
  batchSize?: number;
}

/**
 * Redis keeps nothing here that Postgres does not: this finds the pending deliveries that are first
 * in line for their action at their (enabled) endpoint, overdue by more than the grace, and have no
 * job, and enqueues them again. Those behind them are enqueued as each one before them is settled.
 * An enqueue that was on its way anyway adds nothing: the job id is the delivery's.
 */
export async function reconcileWebhookDeliveries(
  deps: Pick<CoreDeps, "db" | "queue" | "clock">,
  options: ReconcileWebhooksOptions,
): Promise<ReconcileWebhooksResult> {
  const limit = options.batchSize ?? 1000;
  const overdueBefore = new Date(deps.clock.now().getTime() - options.graceMs);
  const requeued: number[] = [];
  // Paged along the index of pending deliveries by due time, so neither settled nor not yet overdue ones are read.
  let after: { at: Date; id: bigint } | null = null;
  for (;;) {
    const page: { id: bigint; tenantId: string; nextAttemptAt: Date }[] = await deps.db.$queryRaw`
      SELECT d.id, d.tenant_id::text AS "tenantId", d.next_attempt_at AS "nextAttemptAt"
      FROM webhook_delivery d
      JOIN webhook_endpoint w ON w.id = d.endpoint_id AND w.enabled
      WHERE d.status = 'pending' AND d.next_attempt_at < ${overdueBefore}
        ${after === null ? Prisma.empty : Prisma.sql`AND (d.next_attempt_at, d.id) > (${after.at}, ${after.id})`}
        AND ${firstInLineSql}
      ORDER BY d.next_attempt_at, d.id
      LIMIT ${limit}`;
    for (const row of page) {
      const deliveryId = Number(row.id);
      if (await deps.queue.hasLiveWebhookDelivery(deliveryId)) continue;
      await deps.queue.enqueueWebhookDeliveries([{ deliveryId, tenantId: row.tenantId, runAt: row.nextAttemptAt }]);
      requeued.push(deliveryId);
    }
    const last = page.at(-1);
    if (!last || page.length < limit) return { requeued };
    after = { at: last.nextAttemptAt, id: last.id };
  }
}
