import { Prisma, sqlFor } from "@leash/db";

import { systemActor } from "../actor.ts";
import { typesPerformedByAgents } from "../action-types/action-type-registry.ts";
import { EXTERNAL_OUTCOME_WINDOW_MS } from "../action-types/external-tool.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";
import type { CoreDeps } from "../deps.ts";
import { describeDuration } from "../deadlines/duration-wording.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { wakeWaitingOn } from "./waiting-on.ts";

/**
 * Fails approved actions that their agent carries out itself and has not reported on within the
 * window after the approval: whoever decided sees that nothing was heard, instead of an approval
 * that stays open for ever. A report that arrives later is refused (the action is no longer approved).
 */
export async function failUnreportedActions(
  deps: Pick<CoreDeps, "db" | "clock" | "queue" | "logger">,
  options: { windowMs?: number; batch?: number } = {},
): Promise<number[]> {
  const types = typesPerformedByAgents();
  if (types.length === 0) return [];
  const windowMs = options.windowMs ?? EXTERNAL_OUTCOME_WINDOW_MS;
  const now = deps.clock.now();
  const dueIds = await sqlFor(deps.db).query<{ id: number }>(
    unreportedActionsDue({ types, approvedBefore: new Date(now.getTime() - windowMs), limit: options.batch ?? 100 }),
  );
  if (dueIds.length === 0) return [];
  const due = await deps.db.agentAction.findMany({ where: { id: { in: dueIds.map((row) => row.id) } }, orderBy: { id: "asc" } });
  const failed = [];
  const message = `no outcome was reported within ${describeDuration(windowMs)} of the approval`;
  for (const action of due) {
    const won = await deps.db.$transaction(async (tx) => {
      const moved = await transitionAction(tx, {
        id: action.id,
        tenantId: action.tenantId,
        from: ["approved"],
        to: "failed",
        data: { errorMessage: message, updatedAt: now },
      });
      if (moved) {
        await recordEvent(tx, {
          tenantId: action.tenantId,
          actionId: action.id,
          type: "failed",
          actor: systemActor(action.tenantId, "deadline"),
          details: { error: message, permanent: true, unreported: true },
        });
      }
      return moved;
    });
    if (won) failed.push(action);
  }
  await wakeWaitingOn(deps, failed);
  await publishActionEvents(deps, failed, "failed");
  return failed.map((action) => action.id);
}

/**
 * The approved actions of `types` past their window, by id. The status is written into the text, not
 * bound: a prepared statement's generic plan cannot match a bound status to the partial index of
 * approved and executing actions, and walked every action of the table instead (about 0.3 s per sweep,
 * every 5 s, on two million finished actions).
 */
export function unreportedActionsDue({ types, approvedBefore, limit }: { types: string[]; approvedBefore: Date; limit: number }): Prisma.Sql {
  return Prisma.sql`
    SELECT id FROM agent_action
    WHERE status = 'approved' AND action_type = ANY(${types}::text[]) AND approved_at < ${approvedBefore}::timestamptz
    ORDER BY id LIMIT ${limit}`;
}
