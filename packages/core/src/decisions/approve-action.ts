import type { AgentAction, Db, DbTransaction, Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { inSpan, noteActions, spanAttributes } from "../observability/tracing.ts";
import { parseInput } from "../validation.ts";
import { describeApprovals, toApprovalsView, type ActionWithApprovals, type ApprovalRow } from "./action-approvals.ts";
import { lockAction, readActionToApprove, writeApproval, type ActionToApprove, type GivenApproval } from "./approval-statements.ts";
import { approveActionInputSchema, type ApproveActionInput } from "../actions/action-inputs.ts";
import { describeDecision, toActionView, type ActionView } from "../actions/action-view.ts";
import { approverIdentity } from "./approver-identity.ts";
import { checkEditedParameters } from "./check-edited-parameters.ts";
import { assertSeparationOfDuties } from "./check-separation-of-duties.ts";
import { enqueueApproved } from "../proposals/enqueue-approved.ts";
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
  const request: ApprovalRequest = { actor, actionId, approver: approverIdentity(actor), now: deps.clock.now() };
  // A plain approval needs no lock: it writes only while the action is as it was read, and otherwise
  // decides again under the lock, as an edit or an extension always does.
  const plain = parameters === undefined && extension === undefined;
  const decided = (plain ? await approveAsRead(deps.db, request) : null) ?? (await deps.db.$transaction((tx) => approveUnderLock(deps, tx, request, { parameters, extension })));
  const { action, reached, slackLinked } = decided;
  // After the commit the job and the news go out together, the job first: the answer waits for both.
  await Promise.all([
    reached ? enqueueApproved(deps, [action]) : undefined,
    publishActionEvents(deps, [action], reached ? "approved" : "approval_added", { linkedTenantIds: slackLinked ? [action.tenantId] : [] }),
  ]);
  return toActionView(action);
}

interface ApprovalRequest {
  actor: Actor;
  actionId: number;
  approver: { key: string; userId: string | null };
  now: Date;
}

interface Decided {
  action: ActionWithApprovals;
  reached: boolean;
  /** Whether the action's tenant has a linked Slack workspace (the approval's statement read it). */
  slackLinked: boolean;
}

/** Reads the action, decides, and writes only if nobody changed it in between: null when someone did. */
async function approveAsRead(db: Db, request: ApprovalRequest): Promise<Decided | null> {
  const current = await readActionToApprove(db, request.actor.tenantId, request.actionId);
  assertMayApprove(current, request, current.approvals);
  return writeDecision(db, request, current, current.approvals, current.version);
}

/** Decides under the action's row lock, so that approvers of one action take turns and their count is exact. */
async function approveUnderLock(
  deps: CoreDeps,
  tx: DbTransaction,
  request: ApprovalRequest,
  { parameters, extension }: { parameters: ApproveActionInput["parameters"]; extension: ApprovalExtension | undefined },
): Promise<Decided> {
  const { actor, actionId, now } = request;
  await lockAction(tx, actor.tenantId, actionId);
  const current = await readActionToApprove(tx, actor.tenantId, actionId);
  // An edit clears the approvals given before it, so this one is then the first.
  const counted = parameters !== undefined ? [] : current.approvals;
  assertMayApprove(current, request, counted);
  await extension?.check(tx, current, counted.length + 1 >= current.requiredApprovals);

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
  const decided = await writeDecision(tx, request, current, counted, null);
  // Under the row lock the action is still pending, so the write cannot miss.
  if (!decided) throw new Error(`#${actionId} changed under its row lock`);
  if (decided.reached) await extension?.record(tx, decided.action);
  return decided;
}

/** The refusals that change nothing: the action is decided already, the approver proposed it, or already counts among `counted`. */
function assertMayApprove(current: ActionToApprove, { actor, approver }: ApprovalRequest, counted: readonly GivenApproval[]): void {
  if (current.status !== "pending") throw new CoreError("CONFLICT", describeDecision(current));
  assertSeparationOfDuties(current, actor, current.duties);
  if (counted.some((approval) => approval.approverKey === approver.key)) {
    throw new CoreError("CONFLICT", `${actor.label} already approved #${current.id} (${describeApprovals(toApprovalsView(current))}); the same person never counts twice`);
  }
}

/** Adds this approval to those that count; the one that reaches the quorum approves the action. */
async function writeDecision(
  db: Db | DbTransaction,
  { actor, approver, now }: ApprovalRequest,
  current: ActionToApprove,
  counted: readonly ApprovalRow[],
  ifVersion: string | null,
): Promise<Decided | null> {
  const approvals = [...counted, { approverLabel: actor.label, createdAt: now }];
  const progress = { approvals: approvals.length, required: current.requiredApprovals };
  const reached = approvals.length >= current.requiredApprovals;
  const written = await writeApproval(db, {
    action: current,
    actor,
    approver,
    now,
    approvedBy: reached ? approvals.map((approval) => approval.approverLabel).join(", ") : null,
    event: reached ? { type: "approved", details: current.requiredApprovals > 1 ? progress : {} } : { type: "approval_added", details: progress },
    ifVersion,
  });
  return written ? { action: { ...written.action, approvals }, reached, slackLinked: written.slackLinked } : null;
}
