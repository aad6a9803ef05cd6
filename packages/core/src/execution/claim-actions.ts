import { randomUUID } from "node:crypto";

import type { AgentAction, Db } from "@leash/db";

import { actionFromRow } from "../actions/action-columns.ts";
import { claimStatement } from "./execution-statements.ts";
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
  /** The actions to claim together; each gets its own answer, in this order. */
  actionIds: readonly number[];
  workerId: string;
  now: Date;
  /** A claim older than this belongs to a worker presumed dead, and may be taken over. */
  staleClaimMs: number;
}

/**
 * Claims approved actions for execution with one conditional update for all of them
 * (`claimStatement`), each under its own claim token, and records each attempt in its timeline in
 * the same statement (committed asynchronously: see the statement). A claim only succeeds when no
 * earlier approved action on the same target is still waiting or running, which keeps actions on
 * one target in creation order (also within one batch: only the earliest of a target is claimed),
 * and when the action it depends on (if any) has executed. An approved step that waits for an
 * earlier step still waiting for a person does not count (`waitsForAPerson`), as a pending action
 * does not. Won claims answer the claimed rows from the same statement; only lost ones cost more
 * reads, to say why. The same id twice is claimed once; its second place answers busy.
 */
export async function claimActions(db: Db, options: ClaimOptions): Promise<ClaimResult[]> {
  const ids = [...new Set(options.actionIds)];
  const tokens = new Map(ids.map((id) => [id, randomUUID()]));
  const rows = await claimStatement(db, {
    claims: ids.map((actionId) => ({ actionId, claimToken: tokens.get(actionId) ?? "" })),
    workerId: options.workerId,
    now: options.now,
    staleBefore: new Date(options.now.getTime() - options.staleClaimMs),
  });
  const answers = new Map<number, ClaimResult>();
  for (const row of rows) {
    const action = actionFromRow(row);
    answers.set(action.id, { kind: "claimed", action, claimToken: tokens.get(action.id) ?? "" });
  }
  const lost = ids.filter((id) => !answers.has(id));
  if (lost.length > 0) {
    const found = await db.agentAction.findMany({ where: { id: { in: lost } } });
    const byId = new Map(found.map((action) => [action.id, action]));
    for (const id of lost) answers.set(id, await whyNotClaimed(db, byId.get(id), options));
  }
  const seen = new Set<number>();
  return options.actionIds.map((id) => {
    if (seen.has(id)) return { kind: "busy", retryInMs: DUPLICATE_RETRY_MS };
    seen.add(id);
    return answers.get(id) ?? { kind: "skipped", reason: "action not found" };
  });
}

// A second request for an action this batch already claims comes back once the first has ended.
const DUPLICATE_RETRY_MS = 1_000;

async function whyNotClaimed(db: Db, action: AgentAction | undefined, options: ClaimOptions): Promise<ClaimResult> {
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
    // No blocker any more means it finished in between, or another worker's claim held the row for an
    // instant (the claim skips locked rows): try again at once.
    return blocker ? { kind: "blocked", blockedBy: blocker.id } : { kind: "busy", retryInMs: 0 };
  }
  if (action.status === "executing") {
    const claimedAt = action.claimedAt?.getTime() ?? options.now.getTime();
    return { kind: "busy", retryInMs: Math.max(0, claimedAt + options.staleClaimMs - options.now.getTime()) + 50 };
  }
  return { kind: "skipped", reason: `action is ${action.status}` };
}
