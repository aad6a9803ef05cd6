import { z } from "zod";

import { ActionStatus } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { boundedCountSchema } from "../bounded-count.ts";
import type { CoreDeps } from "../deps.ts";
import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { countActions } from "./count-actions.ts";

const RECENT_FAILURES = 10;

export const queueStatsSchema = z.object({
  /**
   * This tenant's actions per status, from Postgres, each counted up to a cap. Its queue is its
   * `approved` actions (waiting for a worker) and `executing` ones (running now): the shared
   * execution queue in Redis also holds other tenants' jobs, so its counts are not shown to a tenant.
   */
  actions: z.record(z.enum(ActionStatus), boundedCountSchema),
  recentFailures: z.array(z.object({ id: z.int(), actionType: actionTypeSchema, errorMessage: z.string().nullable(), updatedAt: z.iso.datetime() })),
});
export type QueueStats = z.infer<typeof queueStatsSchema>;

export async function queueStats(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<QueueStats> {
  assertCan(actor, "queue.read");
  const [actions, failures] = await Promise.all([
    countActions(deps, { actor, statuses: Object.values(ActionStatus) }),
    // The status is written out (not a parameter) so that even a generic plan of this prepared
    // statement reads the partial index of failed actions: ten entries, not a sort of every failure.
    deps.db.$queryRaw<{ id: number; actionType: string; errorMessage: string | null; updatedAt: Date }[]>`
      SELECT id, action_type AS "actionType", error_message AS "errorMessage", updated_at AS "updatedAt"
      FROM agent_action WHERE tenant_id = ${actor.tenantId}::uuid AND status = 'failed'
      ORDER BY updated_at DESC, id DESC LIMIT ${RECENT_FAILURES}`,
  ]);
  return {
    actions,
    recentFailures: failures.map((failure) => ({ ...failure, updatedAt: failure.updatedAt.toISOString() })),
  };
}
