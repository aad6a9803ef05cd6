import type { ApprovalPolicy, ApprovalPreference, AutoApprovalGrant, DbTransaction, TargetType } from "@leash/db";

import type { Actor } from "../actor.ts";
import { resolvePolicy } from "../policies/resolve-policy.ts";
import { resolveAutoApproval } from "../preferences/resolve-auto-approval.ts";
import { describeScope } from "../rules/most-specific-rule.ts";
import { trustRefusal } from "./trust-refusal.ts";

const HOUR_MS = 3_600_000;

/** Whether a proposal runs without a person, and by which rule; or, when a budget held it back, why. */
export interface AutoApprovalOutcome {
  autoApprove: boolean;
  preference: ApprovalPreference | null;
  grant: AutoApprovalGrant | null;
  /** Why a preference or grant that covers the proposal did not let it through (its policy's budget, what a grant may not cover). */
  heldBack: string | null;
}

type Proposal = { actionType: string; targetType?: TargetType | undefined; parameters: object };

/** The grants that trust this proposer now (neither expired nor suspended). */
function activeGrants(tx: DbTransaction, actor: Actor, now: Date): Promise<AutoApprovalGrant[]> {
  const proposer =
    actor.kind === "api_key"
      ? { apiKeyId: actor.apiKeyId }
      : actor.kind === "user"
        ? { proposerUserId: actor.userId }
        : null;
  if (!proposer) return Promise.resolve([]);
  return tx.autoApprovalGrant.findMany({
    where: { tenantId: actor.tenantId, ...proposer, suspendedAt: null, expiresAt: { gt: now } },
    orderBy: { expiresAt: "desc" },
  });
}

const grantCovers = (grant: AutoApprovalGrant, proposal: Proposal) =>
  grant.actionType === proposal.actionType &&
  (grant.targetType === null || grant.targetType === (proposal.targetType ?? null));

/**
 * Decides, for each proposal, whether it is approved on the spot: by an approval preference, else by
 * a trust-ramp grant to its proposer, unless the proposal is one no grant may let through
 * (`trustRefusal`: it cannot be undone, its policy needs several approvers, or a preference keeps
 * it for people), in which case it waits and says why. A policy's `autoApproveBudgetPerHour` caps
 * those auto-approvals of its scope over the last rolling hour (counting the ones earlier in this
 * batch, and in `budgetUsed`); beyond it the proposal waits for a person and says why. Proposals that are all for people cost
 * one grant query at most.
 */
export async function decideAutoApprovals(
  tx: DbTransaction,
  options: {
    actor: Actor;
    proposals: readonly Proposal[];
    preferences: readonly ApprovalPreference[];
    /** The tenant's policies (the snapshot of waiting proposals needs them too). */
    policies: readonly ApprovalPolicy[];
    now: Date;
    /**
     * Auto-approvals counted so far by policy id, shared by the calls that decide one write
     * together (the API's proposal batcher decides each proposer's proposals apart, and the
     * budget must count them all); this call's own map when omitted.
     */
    budgetUsed?: Map<string, number>;
  },
): Promise<AutoApprovalOutcome[]> {
  const { actor, now } = options;
  const byPreference = options.proposals.map((proposal) =>
    resolveAutoApproval(options.preferences, {
      actionType: proposal.actionType,
      targetType: proposal.targetType ?? null,
    }),
  );
  const grants = byPreference.every((decision) => decision.autoApprove)
    ? []
    : await activeGrants(tx, actor, now);
  const { policies } = options;
  const covered = options.proposals.map((proposal, index) => {
    const preference = byPreference[index]?.autoApprove ? (byPreference[index].preference ?? null) : null;
    const grant = preference ? null : (grants.find((candidate) => grantCovers(candidate, proposal)) ?? null);
    const refusal = grant
      ? trustRefusal({ action: { ...proposal, targetType: proposal.targetType ?? null }, preferences: options.preferences, policies, subject: "it" })
      : null;
    if (grant && refusal) {
      return { preference: null, grant: null, heldBack: `${refusal}, so a person decides despite the auto-approval granted by ${grant.grantedByLabel}` };
    }
    return { preference, grant, heldBack: null };
  });
  if (covered.every(({ preference, grant }) => !preference && !grant)) {
    return covered.map(({ heldBack }) => ({ autoApprove: false, preference: null, grant: null, heldBack }));
  }

  const used = options.budgetUsed ?? new Map<string, number>();
  const usedUnder = async (policy: ApprovalPolicy) => {
    const known = used.get(policy.id);
    if (known !== undefined) return known;
    // Auto-approved proposals are the actions that never needed a person, less the undo actions of rollbacks.
    const count = await tx.agentAction.count({
      where: {
        tenantId: actor.tenantId,
        actionType: policy.actionType,
        ...(policy.targetType !== null ? { targetType: policy.targetType } : {}),
        requiresApproval: false,
        rollbackOfId: null,
        createdAt: { gt: new Date(now.getTime() - HOUR_MS) },
      },
    });
    used.set(policy.id, count);
    return count;
  };

  const outcomes: AutoApprovalOutcome[] = [];
  for (const [index, proposal] of options.proposals.entries()) {
    const { preference, grant, heldBack } = covered[index] ?? { preference: null, grant: null, heldBack: null };
    if (!preference && !grant) {
      outcomes.push({ autoApprove: false, preference: null, grant: null, heldBack });
      continue;
    }
    const policy = resolvePolicy(policies, {
      actionType: proposal.actionType,
      targetType: proposal.targetType ?? null,
    });
    const budget = policy?.autoApproveBudgetPerHour ?? null;
    if (policy && budget !== null) {
      const count = await usedUnder(policy);
      if (count >= budget) {
        const heldBack = `the auto-approval budget for ${describeScope(policy)} (${budget} per hour) is used up, so a person decides`;
        outcomes.push({ autoApprove: false, preference: null, grant: null, heldBack });
        continue;
      }
      used.set(policy.id, count + 1);
    }
    outcomes.push({ autoApprove: true, preference, grant, heldBack: null });
  }
  return outcomes;
}
