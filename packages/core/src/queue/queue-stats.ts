import { z } from "zod";

import { ActionStatus } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { queueJobCountsSchema } from "./action-queue.ts";

export const queueStatsSchema = z.object({
  /** This tenant's actions per status, from Postgres. */
  actions: z.record(z.enum(ActionStatus), z.int()),
  /** Jobs in the shared execution queue, from Redis; null when Redis cannot be reached. */
  jobs: queueJobCountsSchema.nullable(),
  recentFailures: z.array(z.object({ id: z.int(), actionType: actionTypeSchema, errorMessage: z.string().nullable(), updatedAt: z.iso.datetime() })),
});
export type QueueStats = z.infer<typeof queueStatsSchema>;

export async function queueStats(deps: Pick<CoreDeps, "db" | "queue" | "logger">, { actor }: { actor: Actor }): Promise<QueueStats> {
  assertCan(actor, "queue.read");
  const grouped = await deps.db.agentAction.groupBy({ by: ["status"], where: { tenantId: actor.tenantId }, _count: { _all: true } });
  const actions: Record<ActionStatus, number> = {
    pending: 0, approved: 0, executing: 0, executed: 0, rejected: 0, failed: 0, cancelled: 0,
  };
  for (const row of grouped) actions[row.status] = row._count._all;
  const failures = await deps.db.agentAction.findMany({
    where: { tenantId: actor.tenantId, status: "failed" },
    orderBy: { updatedAt: "desc" },
    take: 10,
    select: { id: true, actionType: true, errorMessage: true, updatedAt: true },
  });
  const jobs = await deps.queue.jobCounts().catch((error: unknown) => {
    deps.logger.warn({ err: error }, "queue counts unavailable");
    return null;
  });
  return {
    actions,
    jobs,
    recentFailures: failures.map((failure) => ({ ...failure, updatedAt: failure.updatedAt.toISOString() })),
  };
}
