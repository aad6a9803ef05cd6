import { isDeepStrictEqual } from "node:util";

import type { AgentAction } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import type { ActionWithApprovals } from "../decisions/action-approvals.ts";
import { toActionView, type ActionView } from "../actions/action-view.ts";
import { CoreError } from "../errors.ts";
import type { ActionProposal } from "./proposal-schema.ts";

/** The stored parameters as the agent sent them: without what the type's `prepare` resolved and added. */
function asProposed(actionType: string, parameters: unknown): unknown {
  const resolved = findActionType(actionType)?.resolvedParameters ?? [];
  if (resolved.length === 0 || typeof parameters !== "object" || parameters === null) return parameters;
  return Object.fromEntries(Object.entries(parameters).filter(([key]) => !resolved.includes(key)));
}

/**
 * For rows stored before request hashes (migration 20261204000500): the row compared with the
 * request as far as it still tells it. Refusing a real retry is safer than answering a different
 * request with an old action as if it were stored; the parameters as proposed are kept when an
 * approver edited them, and a create's target is the item it made, which the request never named.
 */
function sameAsStoredProposal(existing: AgentAction, proposal: ActionProposal): boolean {
  return (
    existing.actionType === proposal.actionType &&
    existing.targetType === (proposal.targetType ?? null) &&
    (findActionType(existing.actionType)?.target === "new" ||
      existing.targetId === (proposal.targetId ?? null)) &&
    isDeepStrictEqual(
      asProposed(existing.actionType, existing.originalParameters ?? existing.parameters),
      proposal.parameters,
    )
  );
}

/**
 * The answer to a proposal whose idempotency key is already stored with `existing`: that action when
 * it was stored for this very request (`hash`, its `requestHash`), else a conflict.
 */
export function earlierProposal(
  existing: ActionWithApprovals,
  proposal: ActionProposal,
  hash: string,
): { action: ActionView; duplicate: true } {
  const same =
    existing.requestHash === null ? sameAsStoredProposal(existing, proposal) : existing.requestHash === hash;
  if (!same) {
    throw new CoreError(
      "CONFLICT",
      `idempotencyKey "${proposal.idempotencyKey ?? ""}" was already used for a different action (#${existing.id})`,
    );
  }
  return { action: toActionView(existing), duplicate: true };
}
