import type { Db, DbTransaction, Item, TargetType } from "@leash/db";

import type { PresentedAction, Reversibility } from "../action-types/action-definition.ts";
import { findActionType } from "../action-types/action-type-registry.ts";
import type { ActionView } from "../actions/action-view.ts";
import type { JsonObject } from "../actions/json.ts";
import { itemsAsFound } from "./items-as-found.ts";
import { quoted, type ItemFacts } from "./present-values.ts";

/** An action as a person reads it on a Slack card or in the inbox. */
export interface ActionPresentation extends PresentedAction {
  target: { kind: TargetType; id: number | null; title: string | null } | null;
  /** Whether it can be rolled back, until when (ISO; null: with no time limit, as long as the item exists), and how. */
  reversible: Reversibility;
}

const parametersOf = (action: { parameters: unknown }) => (action.parameters ?? {}) as JsonObject;

/** Loads every item the actions name (targets and what their types reference), in one query. */
export async function loadItemFacts(db: Db | DbTransaction, tenantId: string, actions: readonly ActionView[]): Promise<Map<number, ItemFacts>> {
  const ids = new Set<number>();
  for (const action of actions) {
    if (action.targetId !== null) ids.add(action.targetId);
    for (const ref of findActionType(action.actionType)?.referencedItems?.(parametersOf(action)) ?? []) ids.add(ref.id);
  }
  if (ids.size === 0) return new Map();
  const items = await db.item.findMany({ where: { tenantId, id: { in: [...ids] } } });
  return new Map(items.map((item: Item) => [item.id, { id: item.id, kind: item.kind, title: item.title, data: item.data as JsonObject, deleted: item.deletedAt !== null }]));
}

/** Whether an action with these parameters can be undone, as its type says. */
export function actionReversibility(action: { actionType: string; parameters: unknown }): Reversibility {
  const rollback = findActionType(action.actionType)?.rollback;
  if (!rollback) return { reversible: false, until: null, explanation: `${action.actionType} is not a known action type on this server` };
  if (!rollback.reversible) return { reversible: false, until: null, explanation: rollback.explanation };
  return rollback.reversibility(parametersOf(action));
}

/** Turns an action and the items it names into what a person reads; an executed action is read against the item as it found it. */
export function presentAction(action: ActionView, itemsNow: ReadonlyMap<number, ItemFacts>): ActionPresentation {
  const items = itemsAsFound(action, itemsNow);
  const item = action.targetId !== null ? items.get(action.targetId) : undefined;
  const kind = action.targetType;
  const targetLabel = kind ? `${kind} ${item ? quoted(item.title) : action.targetId !== null ? `#${action.targetId}` : ""}`.trim() : null;
  const target = kind ? { kind, id: action.targetId, title: item?.title ?? null } : null;
  const definition = findActionType(action.actionType);
  // A stored action whose type module is no longer installed is still shown, plainly.
  const presented: PresentedAction = definition
    ? definition.present({ parameters: parametersOf(action), targetType: kind, targetId: action.targetId, targetLabel, items })
    : { headline: `${action.actionType}${targetLabel ? ` ${targetLabel}` : ""}`, changes: [], details: [`${action.actionType} is not a known action type on this server`] };
  return { ...presented, target, reversible: actionReversibility(action) };
}
