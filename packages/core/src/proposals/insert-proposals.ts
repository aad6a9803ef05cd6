import type { AgentAction, ApprovalPolicy, ApprovalPreference, DbTransaction, Prisma, TargetType } from "@leash/db";

import { actorRef, type Actor } from "../actor.ts";
import { snapshotPolicies } from "../policies/snapshot-policy.ts";
import { describePreference } from "../preferences/resolve-auto-approval.ts";
import type { ActionRow } from "../actions/action-columns.ts";
import { decideAutoApprovals, type AutoApprovalOutcome } from "../trust/decide-auto-approvals.ts";
import { utcMinute } from "../utc-minute.ts";
import { insertActionRows, type EventRow } from "./proposal-statements.ts";

/** What is stored of a proposal: a parsed one, or a template step whose placeholders are resolved when it runs. */
export interface StoredProposal {
  actionType: string;
  targetType?: TargetType | undefined;
  targetId?: number | undefined;
  parameters: object;
  reason?: string | undefined;
  idempotencyKey?: string | undefined;
  /** The hash of the request its idempotency key stands for (`requestHash`). */
  requestHash?: string | undefined;
}

/** The columns naming who proposed an action. */
export function proposerColumns(actor: Actor): { userId: string | null; apiKeyId: string | null } {
  if (actor.kind === "user") return { userId: actor.userId, apiKeyId: null };
  if (actor.kind === "api_key") return { userId: null, apiKeyId: actor.apiKeyId };
  return { userId: null, apiKeyId: null };
}

/** What deciding on proposals settled for each: whether it is approved on the spot (and by which rule), and its policy columns. */
export interface ProposalDecisions {
  decisions: readonly AutoApprovalOutcome[];
  /** The policy snapshot of each proposal (`snapshotPolicies`). */
  policyColumns: readonly Partial<Prisma.AgentActionCreateManyInput>[];
}

/**
 * The rows of proposed actions and their first events, once decided: an auto-approved one names
 * the rule that approved it in its timeline; the others carry a snapshot of their approval policy.
 */
export function proposalRows(
  options: {
    actor: Actor;
    proposals: readonly StoredProposal[];
    now: Date;
    maxAttempts: number;
    batchId?: string | undefined;
    /** Further columns of each proposal's row, by index (template runs). */
    extras?: readonly Partial<Prisma.AgentActionCreateManyInput>[] | undefined;
  } & ProposalDecisions,
): { rows: ActionRow[]; events: EventRow[][] } {
  const { actor, now, decisions } = options;
  const rows: ActionRow[] = options.proposals.map((proposal, index) => {
    const autoApprove = decisions[index]?.autoApprove ?? false;
    const grant = autoApprove ? (decisions[index]?.grant ?? null) : null;
    return {
      tenantId: actor.tenantId,
      ...proposerColumns(actor),
      proposerLabel: actor.label,
      actionType: proposal.actionType,
      targetType: proposal.targetType ?? null,
      targetId: proposal.targetId ?? null,
      parameters: proposal.parameters,
      reason: proposal.reason ?? null,
      idempotencyKey: proposal.idempotencyKey ?? null,
      requestHash: proposal.requestHash ?? null,
      batchId: options.batchId ?? null,
      status: autoApprove ? "approved" : "pending",
      requiresApproval: !autoApprove,
      approvedAt: autoApprove ? now : null,
      decidedByLabel: autoApprove ? (grant ? `auto-approval granted by ${grant.grantedByLabel}` : "auto-approval") : null,
      autoApprovalGrantId: grant?.id ?? null,
      maxAttempts: options.maxAttempts,
      createdAt: now,
      updatedAt: now,
      ...options.policyColumns[index],
      ...options.extras?.[index],
    };
  });
  const ref = actorRef(actor);
  const events = rows.map((row, index): EventRow[] => {
    const proposed: EventRow = {
      tenantId: actor.tenantId,
      type: "proposed",
      ...ref,
      details: {
        reason: row.reason ?? null,
        batchId: row.batchId ?? null,
        ...(row.templateId !== undefined && row.templateId !== null ? { templateId: row.templateId, templateStep: row.templateStep ?? null } : {}),
        ...(decisions[index]?.heldBack ? { waitingBecause: decisions[index].heldBack } : {}),
      },
      createdAt: now,
    };
    const decision = decisions[index];
    if (!decision?.autoApprove) return [proposed];
    const { preference, grant } = decision;
    const details = preference
      ? { preferenceId: preference.id, rule: describePreference(preference) }
      : { grantId: grant?.id ?? null, grant: grant ? `granted by ${grant.grantedByLabel} until ${utcMinute(grant.expiresAt)}` : null };
    return [
      proposed,
      { tenantId: actor.tenantId, type: "auto_approved", actorKind: "system", actorId: null, actorLabel: "auto-approval", details, createdAt: now },
    ];
  });
  return { rows, events };
}

/**
 * Writes proposed actions and their first events in one statement (atomic on its own, and part of
 * the caller's transaction when it passes one). Actions that an approval preference or a
 * trust-ramp grant covers (within their policy's budget) are approved on the spot, and their
 * timeline names the rule; the others carry a snapshot of their approval policy.
 */
export async function insertProposals(
  tx: DbTransaction,
  options: {
    actor: Actor;
    proposals: readonly StoredProposal[];
    preferences: readonly ApprovalPreference[];
    /** The tenant's approval policies (read with its preferences: `readProposalContext`). */
    policies: readonly ApprovalPolicy[];
    now: Date;
    maxAttempts: number;
    batchId?: string;
    /** Further columns of each proposal's row, by index (template runs). */
    extras?: readonly Partial<Prisma.AgentActionCreateManyInput>[];
    /**
     * Called, before anything is written, with how many of the proposals will wait for a person
     * (when any will); it throws to refuse them all (the cap on pending actions).
     */
    admitWaiting?: (count: number) => Promise<void>;
  },
): Promise<AgentAction[]> {
  const { actor, now, policies } = options;
  const decisions = await decideAutoApprovals(tx, { actor, proposals: options.proposals, preferences: options.preferences, policies, now });
  const waiting = decisions.filter((decision) => !decision.autoApprove).length;
  if (waiting > 0) await options.admitWaiting?.(waiting);
  const policyColumns = await snapshotPolicies(
    tx,
    actor.tenantId,
    policies,
    options.proposals.map((proposal, index) => ({ ...proposal, pending: !(decisions[index]?.autoApprove ?? false) })),
    now,
  );
  const { rows, events } = proposalRows({ ...options, decisions, policyColumns });
  return insertActionRows(tx, rows, (index) => events[index] ?? []);
}
