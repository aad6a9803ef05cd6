import type { ActionType, AgentAction, ApprovalPreference, DbTransaction, Prisma, TargetType } from "@leash/db";

import { actorRef, type Actor } from "../actor.ts";
import { describePreference, resolveAutoApproval } from "../preferences/resolve-auto-approval.ts";
import { insertActionRows } from "./insert-action-rows.ts";

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
 * Writes proposed actions and their first events in one statement (atomic on its own, and part of
 * the caller's transaction when it passes one). Actions that an approval preference covers are
 * approved on the spot, and their timeline names the preference.
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
  const ref = actorRef(actor);
  const eventsOf = (index: number): Omit<Prisma.ActionEventCreateManyInput, "actionId">[] => {
    const row = rows[index];
    const proposed: Omit<Prisma.ActionEventCreateManyInput, "actionId"> = {
      tenantId: actor.tenantId,
      type: "proposed",
      ...ref,
      details: {
        reason: row?.reason ?? null,
        batchId: row?.batchId ?? null,
        ...(row?.templateId !== undefined && row.templateId !== null ? { templateId: row.templateId, templateStep: row.templateStep ?? null } : {}),
      },
      createdAt: now,
    };
    const preference = decisions[index]?.autoApprove ? decisions[index].preference : null;
    if (!preference) return [proposed];
    return [
      proposed,
      {
        tenantId: actor.tenantId,
        type: "auto_approved",
        actorKind: "system",
        actorId: null,
        actorLabel: "auto-approval",
        details: { preferenceId: preference.id, rule: describePreference(preference) },
        createdAt: now,
      },
    ];
  };
  const ids = await insertActionRows(tx, rows, eventsOf);
  return tx.agentAction.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
}
