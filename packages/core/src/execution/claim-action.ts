import { randomUUID } from "node:crypto";

import type { AgentAction, Db } from "@leash/db";

import { actionFromRow } from "../actions/action-columns.ts";
import { waitsForAPerson } from "./waits-for-a-person.ts";

export type ClaimResult =
  | { kind: "claimed"; action: AgentAction; claimToken: string }
  /** An earlier approved action on the same target has not finished yet. */
  | { kind: "blocked"; blockedBy: number }
  /** The action it depends on has not executed (yet, or ever: see its status). */
  | { kind: "waiting"; dependency: Pick<AgentAction, "id" | "tenantId" | "status" | "templateStep"> }
  /** Another worker holds a fresh claim on the action. */
  | { kind: "busy"; retryInMs: number }
  /** Nothing to do: the action was cancelled, already ran, or is gone. */
  | { kind: "skipped"; reason: string };

export interface ClaimOptions {
  actionId: number;
  workerId: string;
  now: Date;
  /** A claim older than this belongs to a worker presumed dead, and may be taken over. */
  staleClaimMs: number;
}

/**
 * Claims an approved action for execution with one conditional update, and records the attempt in
 * its timeline in the same statement (committed asynchronously: see the statement). The claim only
 * succeeds when no earlier approved action on the same target is still waiting or running, which
 * keeps actions on one target in creation order, and when the action it depends on (if any) has
 * executed. An approved step that waits for an earlier step still waiting for a person does not
 * count (`waitsForAPerson`), as a pending action does not. A won claim answers the claimed row from
 * the same statement; only a lost one costs more reads, to say why.
 *
 * Spelled for the right indexes whatever the planner's statistics (see `waitingOnQuery`): the
 * claimed row's status is compared as text, which no partial index's predicate matches, so it is
 * found by its primary key and not by a walk of the in-flight index; the earlier actions on its
 * target are looked up with its target as values (a subquery run once), not as a join, so the
 * in-flight index is searched by target instead of walked whole.
 */
export async function claimAction(db: Db, options: ClaimOptions): Promise<ClaimResult> {
  const claimToken = randomUUID();
  const staleBefore = new Date(options.now.getTime() - options.staleClaimMs);
  const claimed = await db.$queryRaw<Record<string, unknown>[]>`
    WITH claimed AS (
      UPDATE agent_action a
      SET status = 'executing', claim_token = ${claimToken}::uuid, claimed_at = ${options.now},
          attempts = a.attempts + 1, updated_at = ${options.now}
      WHERE a.id = ${options.actionId}
        AND (a.status::text = 'approved' OR (a.status::text = 'executing' AND a.claimed_at < ${staleBefore}))
        AND NOT EXISTS (
          SELECT 1 FROM agent_action b
          WHERE (b.tenant_id, b.target_type, b.target_id) = (SELECT tenant_id, target_type, target_id FROM agent_action WHERE id = ${options.actionId})
            AND b.id < ${options.actionId} AND (b.status = 'approved' OR b.status = 'executing') AND NOT ${waitsForAPerson("b")})
        AND (a.depends_on_id IS NULL OR EXISTS (
          SELECT 1 FROM agent_action d WHERE d.id = a.depends_on_id AND d.status = 'executed'))
      RETURNING a.*
    ),
    started AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_label, details, created_at)
      SELECT tenant_id, id, 'started', 'system', 'worker',
             jsonb_build_object('attempt', attempts, 'worker', ${options.workerId}::text), ${options.now}
      FROM claimed
    ),
    -- The claim commits without waiting for its WAL to reach the disk. A crash of PostgreSQL can only
    -- lose it together with everything after it, so the action is approved again and runs again (no
    -- effect of it can have committed: the execution's own commit waits, and flushes the claim first).
    no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
    SELECT claimed.* FROM claimed, no_flush_wait`;
  const won = claimed[0];
  if (won) return { kind: "claimed", action: actionFromRow(won), claimToken };

  const action = await db.agentAction.findUnique({ where: { id: options.actionId } });
  if (!action) return { kind: "skipped", reason: "action not found" };

  if (action.status === "approved" && action.dependsOnId !== null) {
    const dependency = await db.agentAction.findUnique({
      where: { id: action.dependsOnId },
      select: { id: true, tenantId: true, status: true, templateStep: true },
    });
    if (dependency && dependency.status !== "executed") return { kind: "waiting", dependency };
  }
  if (action.status === "approved") {
    const [blocker] = await db.$queryRaw<{ id: number }[]>`
      SELECT b.id FROM agent_action b
      WHERE b.tenant_id = ${action.tenantId}::uuid AND b.target_type = ${action.targetType}::"TargetType" AND b.target_id = ${action.targetId}::int
        AND b.id < ${action.id} AND (b.status = 'approved' OR b.status = 'executing') AND NOT ${waitsForAPerson("b")}
      ORDER BY b.id LIMIT 1`;
    // No blocker any more means it finished in between: try again at once.
    return blocker ? { kind: "blocked", blockedBy: blocker.id } : { kind: "busy", retryInMs: 0 };
  }
  if (action.status === "executing") {
    const claimedAt = action.claimedAt?.getTime() ?? options.now.getTime();
    return { kind: "busy", retryInMs: Math.max(0, claimedAt + options.staleClaimMs - options.now.getTime()) + 50 };
  }
  return { kind: "skipped", reason: `action is ${action.status}` };
}
