import { Prisma, sqlFor, type AgentAction, type DbTransaction } from "@leash/db";

import { typesChanging } from "../action-types/action-type-registry.ts";
import { systemActor } from "../actor.ts";
import { policyDeadlines } from "../deadlines/policy-deadlines.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";

/**
 * Stale approval protection, inside the fenced execution transaction: when the target item changed
 * after the proposal (its version moved on), people approved a change against data that is no
 * longer there. The action goes back to `pending` instead of overwriting the newer data, its
 * approvals are cleared, and the version it is judged against becomes the current one, so the
 * next approval is given on fresh data. Its deadlines start again from now, as at a proposal under
 * the policy it was proposed under: the old ones may have passed while it was approved, and its
 * expiry would reject it (or approve it on the changed data) before anyone looked. The item row
 * stays locked until the transaction ends, so nothing can change it between this check and the
 * handler.
 *
 * Only actions a person approved are checked: an auto-approved action was never judged on the
 * data, and an undo has its own check of later changes. Updates and deletes of the target created
 * before this action that changed it after the version it saw account for their own versions.
 *
 * Answers null when the action may run; otherwise the reason it went back to pending, and whether
 * this worker still held its claim (when not, nothing was written and the caller's claim is lost).
 */
export async function returnToPendingIfStale(
  tx: DbTransaction,
  { action, claimToken, now }: { action: AgentAction; claimToken: string; now: Date },
): Promise<{ reason: string; held: boolean } | null> {
  if (action.targetVersion === null || action.targetId === null || !action.requiresApproval || action.rollbackOfId !== null) return null;
  const [item] = await sqlFor(tx).query<{ version: number; kind: string }>(Prisma.sql`
    SELECT version, kind::text AS kind FROM item WHERE id = ${action.targetId} AND tenant_id = ${action.tenantId}::uuid FOR UPDATE`);
  // A vanished item is the handler's to report.
  if (!item || item.version === action.targetVersion) return null;
  // Actions on one target run in creation order: those created before this one (a batch's or
  // template run's earlier steps, an agent's earlier update) were queued ahead of it when it was
  // proposed, so their changes were foreseeable and do not make its approval stale. Those that
  // changed the item after the version this action saw are the ones whose state before (kept for
  // their rollback) is at that version or later: judged by versions, not by clocks, since an earlier
  // action can commit just after this proposal read the version, but with an earlier timestamp.
  const [ahead] = await sqlFor(tx).query<{ count: number }>(Prisma.sql`
    SELECT count(*)::int AS count FROM agent_action
    WHERE tenant_id = ${action.tenantId}::uuid AND target_id = ${action.targetId} AND id < ${action.id}
      AND status = 'executed' AND action_type = ANY(${typesChanging("item")}::text[])
      AND (rollback_data -> 'before' ->> 'version')::int >= ${action.targetVersion}`);
  const queuedAhead = ahead?.count ?? 0;
  if (item.version - action.targetVersion === queuedAhead) return null;

  const reason = `${item.kind} #${action.targetId} changed after the proposal (version ${action.targetVersion} -> ${item.version})`;
  const cleared = await tx.actionApproval.findMany({ where: { actionId: action.id }, select: { approverLabel: true }, orderBy: { createdAt: "asc" } });
  await tx.actionApproval.deleteMany({ where: { actionId: action.id } });
  const policy = action.policyId === null ? null : await tx.approvalPolicy.findUnique({ where: { id: action.policyId } });
  const won = await transitionAction(tx, {
    id: action.id,
    tenantId: action.tenantId,
    from: ["executing"],
    to: "pending",
    claimToken,
    data: {
      // claimedAt stays: it tells a later approval that a job of this action already ran (see approveAction).
      claimToken: null,
      // The attempt never ran the handler; it does not count against the action's retries.
      attempts: { decrement: 1 },
      approvedAt: null,
      approvedBy: null,
      decidedByLabel: null,
      targetVersion: item.version,
      ...policyDeadlines(policy, now),
      updatedAt: now,
    },
  });
  if (!won) return { reason, held: false };
  await recordEvent(tx, {
    tenantId: action.tenantId,
    actionId: action.id,
    type: "returned_to_pending",
    actor: systemActor(action.tenantId, "worker"),
    details: { reason, proposedVersion: action.targetVersion, currentVersion: item.version, clearedApprovals: cleared.map((approval) => approval.approverLabel) },
  });
  return { reason, held: true };
}
