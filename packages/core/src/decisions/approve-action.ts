import type { AgentAction, DbTransaction, Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { inSpan, noteActions, spanAttributes } from "../observability/tracing.ts";
import { parseInput } from "../validation.ts";
import { describeApprovals, toApprovalsView, type ActionWithApprovals } from "./action-approvals.ts";
import { approveActionInputSchema, type ApproveActionInput } from "../actions/action-inputs.ts";
import { describeDecision, toActionView, type ActionView } from "../actions/action-view.ts";
import { approverIdentity } from "./approver-identity.ts";
import { checkEditedParameters } from "./check-edited-parameters.ts";
import { assertSeparationOfDuties } from "./check-separation-of-duties.ts";
import { enqueueApproved } from "../proposals/enqueue-approved.ts";
import { lockActionWithApprovals } from "../actions/find-action.ts";
import type { JsonValue } from "../actions/json.ts";
import { recordEvent } from "../actions/record-event.ts";

/** What a verb that approves on its way (approveAndTrust) adds to the approval, in its transaction and under the action's row lock. */
export interface ApprovalExtension {
  /** Throws to refuse before anything is written, so the approval changes nothing; `completes`: this approval reaches the quorum. */
  check(tx: DbTransaction, current: ActionWithApprovals, completes: boolean): Promise<void>;
  /** Writes what goes with an approval that reached the quorum. */
  record(tx: DbTransaction, approved: AgentAction): Promise<void>;
}

/**
 * A person (or an approver key) approves a pending action, optionally with edited parameters. Each
 * distinct approver is recorded; the approval that reaches the action's quorum moves it to
 * `approved` and queues it, the ones before leave it pending ("1 of 2 approvals").
 */
export function approveAction(deps: CoreDeps, request: { actor: Actor; input: ApproveActionInput; extension?: ApprovalExtension }): Promise<ActionView> {
  return inSpan("approve action", { attributes: { [spanAttributes.tenantId]: request.actor.tenantId } }, async () => {
    const view = await approve(deps, request);
    noteActions([view.id]);
    return view;
  });
}

async function approve(
  deps: CoreDeps,
  { actor, input, extension }: { actor: Actor; input: ApproveActionInput; extension?: ApprovalExtension },
): Promise<ActionView> {
  assertCan(actor, "action.decide");
  const { actionId, parameters } = parseInput(approveActionInputSchema, input, "approval");
  const now = deps.clock.now();
  const approver = approverIdentity(actor);
  const { action, reached } = await deps.db.$transaction(async (tx) => {
    // Approvers of one action take turns, so that their count is exact and the quorum is reached once;
    // holding the row lock, this transaction also knows the approvals without reading them again.
    const current = await lockActionWithApprovals(tx, actor.tenantId, actionId);
    if (current.status !== "pending") throw new CoreError("CONFLICT", describeDecision(current));
    assertSeparationOfDuties(current, actor, current.duties);
    // An edit clears the approvals given before it, so this one is then the first.
    await extension?.check(tx, current, (parameters !== undefined ? 0 : current.approvals.length) + 1 >= current.requiredApprovals);

    if (parameters !== undefined) {
      const edited = await checkEditedParameters({ db: tx, clock: deps.clock, connectorKey: deps.connectorKey, delivery: deps.delivery }, current, parameters);
      // Earlier approvals were given to other parameters; they do not carry over to the edit.
      const cleared = current.approvals.map((approval) => approval.approverLabel);
      await tx.actionApproval.deleteMany({ where: { actionId } });
      const original = (current.originalParameters ?? current.parameters) as Prisma.InputJsonValue;
      await tx.agentAction.update({ where: { id: actionId }, data: { parameters: edited, originalParameters: original, updatedAt: now } });
      await recordEvent(tx, {
        tenantId: actor.tenantId,
        actionId,
        type: "parameters_edited",
        actor,
        details: { original: current.parameters as JsonValue, edited, ...(cleared.length ? { clearedApprovals: cleared } : {}) },
      });
    }

    const { count: added } = await tx.actionApproval.createMany({
      data: [{ tenantId: actor.tenantId, actionId, approverKey: approver.key, approverLabel: actor.label, userId: approver.userId, createdAt: now }],
      skipDuplicates: true,
    });
    if (added === 0) {
      throw new CoreError("CONFLICT", `${actor.label} already approved #${actionId} (${describeApprovals(toApprovalsView(current))}); the same person never counts twice`);
    }
    const approvals = [...(parameters !== undefined ? [] : current.approvals), { approverLabel: actor.label, createdAt: now }];
    const progress = { approvals: approvals.length, required: current.requiredApprovals };
    if (approvals.length < current.requiredApprovals) {
      const updated = await tx.agentAction.update({ where: { id: actionId }, data: { updatedAt: now } });
      await recordEvent(tx, { tenantId: actor.tenantId, actionId, type: "approval_added", actor, details: progress });
      return { action: { ...updated, approvals }, reached: false };
    }
    // Under the row lock the action is still pending, so this transition cannot lose.
    const approved = await tx.agentAction.update({
      where: { id: actionId, status: "pending" },
      data: {
        status: "approved",
        approvedBy: approver.userId,
        approvedAt: now,
        decidedByLabel: approvals.map((approval) => approval.approverLabel).join(", "),
        updatedAt: now,
      },
    });
    await recordEvent(tx, { tenantId: actor.tenantId, actionId, type: "approved", actor, ...(current.requiredApprovals > 1 ? { details: progress } : {}) });
    await extension?.record(tx, approved);
    return { action: { ...approved, approvals }, reached: true };
  });
  if (reached) {
    await enqueueApproved(deps, [action]);
    await publishActionEvents(deps, [action], "approved");
  } else {
    await publishActionEvents(deps, [action], "approval_added");
  }
  return toActionView(action);
}
