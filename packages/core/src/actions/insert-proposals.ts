import type { ActionType, AgentAction, ApprovalPreference, DbTransaction, Prisma, TargetType } from "@leash/db";

import { actorRef, type Actor } from "../actor.ts";
import { describePreference, resolveAutoApproval } from "../preferences/resolve-auto-approval.ts";

/** What is stored of a proposal: a parsed one, or a template step whose placeholders are resolved when it runs. */
export interface StoredProposal {
  actionType: ActionType;
  targetType?: TargetType | undefined;
  targetId?: number | undefined;
  parameters: object;
  reason?: string | undefined;
  idempotencyKey?: string | undefined;
}

/** The columns naming who proposed an action. */
export function proposerColumns(actor: Actor): { userId: string | null; apiKeyId: string | null } {
  if (actor.kind === "user") return { userId: actor.userId, apiKeyId: null };
  if (actor.kind === "api_key") return { userId: null, apiKeyId: actor.apiKeyId };
  return { userId: null, apiKeyId: null };
}

/**
 * Writes proposed actions and their first events in the caller's transaction. Actions that an
 * approval preference covers are approved on the spot, and their timeline names the preference.
 */
export async function insertProposals(
  tx: DbTransaction,
  options: {
    actor: Actor;
    proposals: readonly StoredProposal[];
    preferences: readonly ApprovalPreference[];
    now: Date;
    maxAttempts: number;
    batchId?: string;
    /** Further columns of each proposal's row, by index (template runs). */
    extras?: readonly Partial<Prisma.AgentActionCreateManyInput>[];
  },
): Promise<AgentAction[]> {
  const { actor, now } = options;
  const decisions = options.proposals.map((proposal) =>
    resolveAutoApproval(options.preferences, { actionType: proposal.actionType, targetType: proposal.targetType ?? null }),
  );
  const rows: Prisma.AgentActionCreateManyInput[] = options.proposals.map((proposal, index) => {
    const autoApprove = decisions[index]?.autoApprove ?? false;
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
      batchId: options.batchId ?? null,
      status: autoApprove ? "approved" : "pending",
      requiresApproval: !autoApprove,
      approvedAt: autoApprove ? now : null,
      decidedByLabel: autoApprove ? "auto-approval" : null,
      maxAttempts: options.maxAttempts,
      createdAt: now,
      updatedAt: now,
      ...options.extras?.[index],
    };
  });
  const actions = await tx.agentAction.createManyAndReturn({ data: rows });
  actions.sort((a, b) => a.id - b.id);

  const ref = actorRef(actor);
  const events: Prisma.ActionEventCreateManyInput[] = actions.flatMap((action, index) => {
    const proposed: Prisma.ActionEventCreateManyInput = {
      tenantId: action.tenantId,
      actionId: action.id,
      type: "proposed",
      ...ref,
      details: {
        reason: action.reason,
        batchId: action.batchId,
        ...(action.templateId !== null ? { templateId: action.templateId, templateStep: action.templateStep } : {}),
      },
      createdAt: now,
    };
    const preference = decisions[index]?.autoApprove ? decisions[index].preference : null;
    if (!preference) return [proposed];
    return [
      proposed,
      {
        tenantId: action.tenantId,
        actionId: action.id,
        type: "auto_approved",
        actorKind: "system",
        actorId: null,
        actorLabel: "auto-approval",
        details: { preferenceId: preference.id, rule: describePreference(preference) },
        createdAt: now,
      },
    ];
  });
  await tx.actionEvent.createMany({ data: events });
  return actions;
}
