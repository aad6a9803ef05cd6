import type { Db, DbTransaction } from "@leash/db";

import { toActionView } from "../actions/action-view.ts";
import { readDutiesFacts } from "../decisions/check-separation-of-duties.ts";
import type { DecisionFacts } from "../decisions/may-decide.ts";
import { loadItemFacts, presentAction } from "../presentation/action-presentation.ts";
import type { MailedAction } from "./compose-approval-mail.ts";
import { waitingSinceSql } from "./waiting-since.ts";

export type MailableAction = MailedAction & DecisionFacts;

/**
 * The tenant's actions among `actionIds` that still wait for a person, oldest wait first, with what
 * a mail shows of them and what says who may decide them. Another tenant's ids find nothing.
 */
export async function loadMailedActions(
  db: Db | DbTransaction,
  { tenantId, actionIds }: { tenantId: string; actionIds: readonly number[] },
): Promise<MailableAction[]> {
  if (actionIds.length === 0) return [];
  const waits = await db.$queryRaw<{ id: number; waitingSince: Date }[]>`
    SELECT a.id, ${waitingSinceSql} AS "waitingSince" FROM agent_action a
    WHERE a.id = ANY(${[...actionIds]}::int[]) AND a.tenant_id = ${tenantId}::uuid AND a.status = 'pending'`;
  const since = new Map(waits.map((wait) => [wait.id, wait.waitingSince]));
  const actions = await db.agentAction.findMany({
    where: { tenantId, id: { in: [...since.keys()] }, status: "pending" },
    include: {
      approvals: {
        select: { approverKey: true, approverLabel: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  const views = actions.map(toActionView);
  const items = await loadItemFacts(db, tenantId, views);
  const loaded: MailableAction[] = [];
  for (const [index, action] of actions.entries()) {
    const view = views[index];
    const waitingSince = since.get(action.id);
    if (!view || !waitingSince) continue;
    loaded.push({
      action,
      approverKeys: action.approvals.map((approval) => approval.approverKey),
      duties: await readDutiesFacts(db, action),
      view,
      presentation: presentAction(view, items),
      waitingSince,
    });
  }
  return loaded.sort(
    (one, other) => one.waitingSince.getTime() - other.waitingSince.getTime() || one.view.id - other.view.id,
  );
}
