import type { Db, DbTransaction, TargetType } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import { CoreError, type CoreErrorCode } from "../errors.ts";
import type { ActionProposal } from "./proposal-schema.ts";

export interface TargetProblem {
  index: number;
  code: CoreErrorCode;
  message: string;
}

function referencedItems(proposal: ActionProposal): { kind: TargetType; id: number }[] {
  const refs: { kind: TargetType; id: number }[] = [];
  if ("targetId" in proposal && proposal.targetId !== undefined && proposal.targetType !== undefined) {
    refs.push({ kind: proposal.targetType, id: proposal.targetId });
  }
  refs.push(...(findActionType(proposal.actionType)?.referencedItems?.(proposal.parameters) ?? []));
  return refs;
}

/** What the check needs of each item a proposal names. */
export interface TargetItem {
  id: number;
  kind: TargetType;
  title: string;
  deletedAt: Date | null;
}

/** The ids of the items the proposals name (targets and link ends). */
export function referencedItemIds(proposals: readonly ActionProposal[]): number[] {
  return [...new Set(proposals.flatMap((proposal) => referencedItems(proposal).map((ref) => ref.id)))];
}

/**
 * Checks, before anything is written, that every item the proposals name exists in the tenant with
 * the named kind and is not deleted (`items`: the tenant's items among `referencedItemIds`).
 */
export function targetProblems(items: readonly TargetItem[], proposals: readonly ActionProposal[]): TargetProblem[] {
  const byId = new Map(items.map((item) => [item.id, item]));
  const problems: TargetProblem[] = [];
  proposals.forEach((proposal, index) => {
    for (const ref of referencedItems(proposal)) {
      const item = byId.get(ref.id);
      if (!item || item.kind !== ref.kind) {
        problems.push({ index, code: "NOT_FOUND", message: `No ${ref.kind} #${ref.id}` });
      } else if (item.deletedAt !== null) {
        problems.push({ index, code: "CONFLICT", message: `${ref.kind} #${ref.id} "${item.title}" has been deleted` });
      }
    }
  });
  return problems;
}

/** `targetProblems`, reading the items first. */
export async function findTargetProblems(
  deps: { db: Db | DbTransaction },
  tenantId: string,
  proposals: readonly ActionProposal[],
): Promise<TargetProblem[]> {
  const ids = referencedItemIds(proposals);
  const items = ids.length
    ? await deps.db.item.findMany({ where: { tenantId, id: { in: ids } }, select: { id: true, kind: true, title: true, deletedAt: true } })
    : [];
  return targetProblems(items, proposals);
}

export function targetProblemError(problems: TargetProblem[], options: { batch: boolean }): CoreError | null {
  const first = problems[0];
  if (!first) return null;
  const prefix = (problem: TargetProblem) => (options.batch ? `actions[${problem.index}]: ` : "");
  return new CoreError(first.code, problems.map((problem) => `${prefix(problem)}${problem.message}`).join("; "), {
    issues: problems.map((problem) => ({
      path: options.batch ? ["actions", problem.index] : [],
      message: problem.message,
    })),
  });
}
