import type { ActionStatus } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { boundedCount, COUNT_CAP, type BoundedCount } from "../bounded-count.ts";
import type { CoreDeps } from "../deps.ts";

/**
 * The actor's tenant's actions in each of `statuses`, each count stopping at COUNT_CAP: the console
 * asks on every page load and every few seconds, and executed actions only ever grow. Each status is
 * at most COUNT_CAP entries of the (tenant_id, status, id) index, in one round trip.
 */
export async function countActions<S extends ActionStatus>(
  deps: Pick<CoreDeps, "db">,
  { actor, statuses }: { actor: Actor; statuses: readonly S[] },
): Promise<Record<S, BoundedCount>> {
  assertCan(actor, "queue.read");
  const rows = await deps.db.$queryRaw<{ status: ActionStatus; count: number }[]>`
    SELECT s.status::text AS status,
           (SELECT count(*)::int FROM (
              SELECT 1 FROM agent_action a WHERE a.tenant_id = ${actor.tenantId}::uuid AND a.status = s.status LIMIT ${COUNT_CAP}
            ) AS counted) AS count
    FROM unnest(${[...statuses]}::text[]::"ActionStatus"[]) AS s(status)`;
  const counted = new Map(rows.map((row) => [row.status, row.count]));
  // Every status asked for is in the query's answer, so the record is complete.
  return Object.fromEntries(statuses.map((status) => [status, boundedCount(counted.get(status) ?? 0)])) as Record<S, BoundedCount>;
}
