import type { AgentAction, DbTransaction } from "@leash/db";

import type { Actor } from "../actor.ts";
import { recordEvent } from "../actions/record-event.ts";

/**
 * A rollback of actions that a trust-ramp grant auto-approved suspends those grants (in the
 * rollback's transaction): the trust was misplaced, so people decide again. Each suspension is
 * recorded on the rolled-back action. Answers one sentence per suspended grant.
 */
export async function suspendGrantsOfRolledBack(
  tx: DbTransaction,
  { actor, originals, now }: { actor: Actor; originals: readonly AgentAction[]; now: Date },
): Promise<string[]> {
  const sentences: string[] = [];
  for (const original of originals) {
    if (original.autoApprovalGrantId === null) continue;
    const reason = `#${original.id}, which it auto-approved, was rolled back by ${actor.label}`;
    const { count } = await tx.autoApprovalGrant.updateMany({
      where: { id: original.autoApprovalGrantId, tenantId: original.tenantId, suspendedAt: null },
      data: { suspendedAt: now, suspendedReason: reason },
    });
    if (count === 0) continue;
    const grant = await tx.autoApprovalGrant.findUniqueOrThrow({
      where: { id: original.autoApprovalGrantId },
    });
    const sentence = `The auto-approval of ${grant.actionType} on ${grant.targetType ?? "any target"} granted by ${grant.grantedByLabel} is suspended: ${reason}.`;
    await recordEvent(tx, {
      tenantId: original.tenantId,
      actionId: original.id,
      type: "auto_approval_suspended",
      actor,
      details: { grantId: grant.id, reason: sentence },
    });
    sentences.push(sentence);
  }
  return sentences;
}
