import type { Actor } from "../actor.ts";
import { approveAction } from "../decisions/approve-action.ts";
import { recordEvent } from "../actions/record-event.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { readProposalContext } from "../proposals/proposal-context.ts";
import { describeScope } from "../rules/most-specific-rule.ts";
import { parseInput } from "../validation.ts";
import { grantProposerInclude, toGrantView, type GrantWithProposer } from "./grant-view.ts";
import { trustRefusal } from "./trust-refusal.ts";
import {
  approveAndTrustInputSchema,
  type ApproveAndTrustInput,
  type ApproveAndTrustResult,
} from "./trust-inputs.ts";

const DAY_MS = 86_400_000;

/**
 * The trust ramp: approves the action as `approveAction` does (every rule of a decision applies),
 * and, in the same transaction, auto-approves actions like it (same type and target type) from the
 * same proposer for `days` days; the action's timeline records the grant. Only the approval that
 * completes the action's quorum may grant, and only what a grant may let through (`trustRefusal`):
 * otherwise the whole call is refused before anything is written, the approval included, so the
 * approver decides again knowing why.
 */
export async function approveAndTrust(
  deps: CoreDeps,
  { actor, input }: { actor: Actor; input: ApproveAndTrustInput },
): Promise<ApproveAndTrustResult> {
  assertCan(actor, "action.decide");
  const { actionId, days } = parseInput(approveAndTrustInputSchema, input, "approval with trust");
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + days * DAY_MS);
  const granted: GrantWithProposer[] = [];
  const action = await approveAction(deps, {
    actor,
    input: { actionId },
    extension: {
      async check(tx, current, completes) {
        if (current.apiKeyId === null && current.userId === null) {
          throw new CoreError("INVALID", `#${actionId} was proposed by the system; there is no proposer to trust`);
        }
        const { preferences, policies } = await readProposalContext(tx, actor.tenantId, []);
        const refusal = trustRefusal({ action: current, preferences, policies, subject: `#${actionId}` });
        if (refusal) throw new CoreError("INVALID", `Cannot auto-approve ${describeScope(current)}: ${refusal}; approve #${actionId} without trust`);
        if (!completes) {
          throw new CoreError(
            "CONFLICT",
            `#${actionId} needs ${current.requiredApprovals} approvals and has ${current.approvals.length}: only the approval that completes it may grant auto-approval; approve it without trust`,
          );
        }
      },
      async record(tx, approved) {
        const grant = await tx.autoApprovalGrant.create({
          data: {
            tenantId: actor.tenantId,
            apiKeyId: approved.apiKeyId,
            proposerUserId: approved.apiKeyId === null ? approved.userId : null,
            actionType: approved.actionType,
            targetType: approved.targetType,
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
          details: { grantId: grant.id, days, expiresAt: expiresAt.toISOString(), scope: describeScope(approved) },
        });
        granted.push(grant);
      },
    },
  });
  const [grant] = granted;
  if (!grant) throw new Error(`the approval of #${actionId} reached its quorum without recording its grant`);
  return { action, grant: toGrantView(grant, now) };
}
