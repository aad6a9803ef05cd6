import type { Actor } from "../actor.ts";
import { approveAction } from "../decisions/approve-action.ts";
import { recordEvent } from "../actions/record-event.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { grantProposerInclude, toGrantView } from "./grant-view.ts";
import {
  approveAndTrustInputSchema,
  type ApproveAndTrustInput,
  type ApproveAndTrustResult,
} from "./trust-inputs.ts";

const DAY_MS = 86_400_000;

/**
 * The trust ramp: approves the action as `approveAction` does (every rule of a decision applies),
 * then auto-approves actions like it (same type and target type) from the same proposer for
 * `days` days. The grant is written only once the approval has succeeded, and the action's
 * timeline records it.
 */
export async function approveAndTrust(
  deps: CoreDeps,
  { actor, input }: { actor: Actor; input: ApproveAndTrustInput },
): Promise<ApproveAndTrustResult> {
  assertCan(actor, "action.decide");
  const { actionId, days } = parseInput(approveAndTrustInputSchema, input, "approval with trust");
  const source = await deps.db.agentAction.findFirst({
    where: { id: actionId, tenantId: actor.tenantId },
    select: { apiKeyId: true, userId: true },
  });
  if (!source) throw new CoreError("NOT_FOUND", `No action #${actionId}`);
  if (source.apiKeyId === null && source.userId === null) {
    throw new CoreError("INVALID", `#${actionId} was proposed by the system; there is no proposer to trust`);
  }
  const action = await approveAction(deps, { actor, input: { actionId } });
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  const grant = await deps.db.$transaction(async (tx) => {
    const created = await tx.autoApprovalGrant.create({
      data: {
        tenantId: actor.tenantId,
        apiKeyId: source.apiKeyId,
        proposerUserId: source.apiKeyId === null ? source.userId : null,
        actionType: action.actionType,
        targetType: action.targetType,
        grantedByLabel: actor.label,
        grantedByUserId: actor.kind === "user" ? actor.userId : null,
        sourceActionId: actionId,
        expiresAt,
        createdAt: now,
      },
      include: grantProposerInclude,
    });
    await recordEvent(tx, {
      tenantId: actor.tenantId,
      actionId,
      type: "auto_approval_granted",
      actor,
      details: {
        grantId: created.id,
        days,
        expiresAt: expiresAt.toISOString(),
        scope: `${action.actionType} on ${action.targetType ?? "any target"}`,
      },
    });
    return created;
  });
  return { action, grant: toGrantView(grant, now) };
}
