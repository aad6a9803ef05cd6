import type { Db } from "@leash/db";

import { typesPerformedByAgents } from "../action-types/action-type-registry.ts";

/**
 * How long the oldest approved action that could run has been waiting for the worker, in seconds,
 * over every tenant (null when none waits): what an alert on a stuck queue watches, from Postgres,
 * which still knows when Redis has lost the job. Actions their agent performs itself (they wait for
 * its report) and steps waiting for an earlier step that has not executed are left out. Reads the
 * few approved and executing rows through the in-flight index.
 */
export async function oldestApprovedAge(deps: { db: Db; now: Date }): Promise<number | null> {
  const [row] = await deps.db.$queryRaw<{ approvedAt: Date | null }[]>`
    SELECT min(a.approved_at) AS "approvedAt" FROM agent_action a
    WHERE a.status = 'approved' AND a.action_type <> ALL(${typesPerformedByAgents()}::text[])
      AND NOT EXISTS (SELECT 1 FROM agent_action d WHERE d.id = a.depends_on_id AND d.status <> 'executed')`;
  return row?.approvedAt ? Math.max(0, (deps.now.getTime() - row.approvedAt.getTime()) / 1000) : null;
}
