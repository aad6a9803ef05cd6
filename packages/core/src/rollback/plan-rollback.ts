import type { AgentAction, Db, DbTransaction } from "@leash/db";

import type { ItemState, RollbackSupport } from "../action-types/action-definition.ts";
import type { ActionRegistry } from "../action-types/action-type-registry.ts";
import { findActionOrThrow } from "../actions/find-action.ts";
import { utcMinute } from "../utc-minute.ts";
import { findLaterChanges, findUnfinishedLaterActions } from "./find-later-changes.ts";
import { itemStateOf } from "./item-state.ts";
import type { RollbackPreview, RollbackStep } from "./rollback-inputs.ts";
import { allOf, listIds } from "./wording.ts";

export type Reversible = Extract<RollbackSupport, { reversible: true }>;

export interface RollbackPlan {
  original: AgentAction;
  /** The actions to undo, in the order their undos run: later changes newest first, then the original. */
  chain: AgentAction[];
  laterActionIds: number[];
  refusal: RollbackPreview["refusal"];
  steps: RollbackStep[];
}

/** How an action type is undone, or why it cannot be (after `#id `). */
export function reversibility(registry: ActionRegistry, action: AgentAction): { support: Reversible } | { reason: string } {
  const support = registry[action.actionType]?.rollback;
  if (!support) return { reason: `is a ${action.actionType} action, a type this server does not know` };
  return support.reversible ? { support } : { reason: support.reason };
}

/** Why one action cannot be undone now, or null; `support` when it can. */
async function check(db: Db | DbTransaction, registry: ActionRegistry, action: AgentAction): Promise<{ support: Reversible } | { reason: string }> {
  const found = reversibility(registry, action);
  if ("reason" in found) return found;
  const refusal = await found.support.refusal({ db, original: action });
  return refusal ? { reason: refusal } : found;
}

/** What each undo of the chain changes, simulating the item through the newer undos first. */
async function previewSteps(db: Db | DbTransaction, chain: readonly { action: AgentAction; support: Reversible }[]): Promise<RollbackStep[]> {
  const ids = [...new Set(chain.flatMap(({ action }) => (action.targetId !== null ? [action.targetId] : [])))];
  const tenantId = chain[0]?.action.tenantId ?? "";
  const items = ids.length > 0 ? await db.item.findMany({ where: { tenantId, id: { in: ids } } }) : [];
  const state = new Map<number, ItemState | null>(items.map((item) => [item.id, itemStateOf(item)]));
  return chain.map(({ action, support }) => {
    const part = support.preview({ original: action, item: action.targetId !== null ? (state.get(action.targetId) ?? null) : null });
    if (action.targetId !== null) state.set(action.targetId, part.itemAfter);
    return {
      actionId: action.id,
      actionType: action.actionType,
      targetType: action.targetType,
      targetId: action.targetId,
      description: part.description,
      changes: part.changes,
    };
  });
}

/**
 * Works out whether an executed action can be rolled back now and what that would do: the undo of
 * the action itself, preceded (newest first) by undos of the later changes to its item when
 * `cascade` is set. A refusal says why in one sentence; without cascade, later changes refuse with
 * CONFLICT naming them, and the steps still show the whole cascade.
 */
export async function planRollback(
  db: Db | DbTransaction,
  registry: ActionRegistry,
  { tenantId, actionId, cascade }: { tenantId: string; actionId: number; cascade: boolean },
): Promise<RollbackPlan> {
  const original = await findActionOrThrow(db, tenantId, actionId);
  const refuse = (code: "NOT_REVERSIBLE" | "CONFLICT", message: string): RollbackPlan => ({
    original,
    chain: [],
    laterActionIds: [],
    refusal: { code, message },
    steps: [],
  });
  const name = `#${original.id}`;
  if (original.rollbackOfId !== null) {
    return refuse("NOT_REVERSIBLE", `${name} is the rollback of #${original.rollbackOfId}; propose the change again instead`);
  }
  if (original.rollbackActionId !== null) {
    return refuse(
      "CONFLICT",
      original.rolledBackAt
        ? `${name} was already rolled back by #${original.rollbackActionId} at ${utcMinute(original.rolledBackAt)}`
        : `${name} is already being rolled back by #${original.rollbackActionId}`,
    );
  }
  if (original.status !== "executed") return refuse("CONFLICT", `${name} is ${original.status}; only executed actions can be rolled back`);

  const own = await check(db, registry, original);
  if ("reason" in own) return refuse("NOT_REVERSIBLE", `${name} ${own.reason}`);
  const unfinished = await findUnfinishedLaterActions(db, original, own.support.laterChanges);
  if (unfinished.length > 0) {
    const one = unfinished.length === 1;
    return refuse("CONFLICT", `${listIds(unfinished)} on the same item ${one ? "has" : "have"} not finished yet; try again once ${one ? "it has" : "they have"}`);
  }
  const later = await findLaterChanges(db, original, own.support.laterChanges, "requested");
  const chain: { action: AgentAction; support: Reversible }[] = [];
  for (const action of later) {
    const found = await check(db, registry, action);
    if ("reason" in found) return refuse("NOT_REVERSIBLE", `${name} was changed later by #${action.id}, which ${found.reason}`);
    chain.push({ action, support: found.support });
  }
  chain.push({ action: original, support: own.support });

  const laterActionIds = later.map((action) => action.id).reverse();
  const steps = await previewSteps(db, chain);
  const refusal =
    laterActionIds.length > 0 && !cascade
      ? {
          code: "CONFLICT" as const,
          message: `${name} was changed later by ${listIds(laterActionIds)}: roll back with cascade to undo ${allOf(chain.length)}, newest first`,
        }
      : null;
  return { original, chain: chain.map(({ action }) => action), laterActionIds, refusal, steps };
}
