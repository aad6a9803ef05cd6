import type { Db, DbTransaction, Item, TargetType } from "@leash/db";

import type { PresentedAction, Reversibility } from "../action-types/action-definition.ts";
import { findActionType } from "../action-types/action-type-registry.ts";
import type { ActionView } from "../actions/action-view.ts";
import type { JsonObject } from "../actions/json.ts";
import { itemsAsFound } from "./items-as-found.ts";
import { quoted, type ItemFacts } from "./present-values.ts";
import { nameStepReferences, type RunStep } from "./step-references.ts";

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

/** What else a person reads an action against: the other steps of its template run, to name what a placeholder stands for. */
export interface PresentOptions {
  runSteps?: readonly RunStep[];
}

/**
 * Turns an action and the items it names into what a person reads; an executed action is read
 * against the item as it found it. A template step's placeholders read as what they stand for ("the
 * project created by step 1"), and an undo action says what it undoes ("undo of #8: remove person
 * "Wile E. Coyote"") with its changes the other way round.
 */
export function presentAction(action: ActionView, itemsNow: ReadonlyMap<number, ItemFacts>, options: PresentOptions = {}): ActionPresentation {
  const items = itemsAsFound(action, itemsNow);
  const item = action.targetId !== null ? items.get(action.targetId) : undefined;
  const kind = action.targetType;
  const targetLabel = kind ? `${kind} ${item ? quoted(item.title) : action.targetId !== null ? `#${action.targetId}` : ""}`.trim() : null;
  const target = kind ? { kind, id: action.targetId, title: item?.title ?? null } : null;
  const definition = findActionType(action.actionType);
  const context = { parameters: parametersOf(action), targetType: kind, targetId: action.targetId, targetLabel, items };
  // A stored action whose type module is no longer installed is still shown, plainly.
  const presented: PresentedAction = definition
    ? definition.present(context)
    : { headline: `${action.actionType}${targetLabel ? ` ${targetLabel}` : ""}`, changes: [], details: [`${action.actionType} is not a known action type on this server`] };
  const named = nameReferences(presented, new Map((options.runSteps ?? []).map((step) => [step.step, step])));
  if (action.rollbackOfId === null) return { ...named, target, reversible: actionReversibility(action) };
  const rollback = definition?.rollback;
  const undoes = rollback?.reversible === true && rollback.undoHeadline ? rollback.undoHeadline(context) : `undo ${named.headline}`;
  return {
    ...named,
    headline: `undo of #${action.rollbackOfId}: ${undoes}`,
    // The undo takes back what the original did: what it set goes, what it replaced returns.
    changes: named.changes.map((change) => ({ field: change.field, before: change.after, after: change.before })),
    target,
    reversible: { reversible: false, until: null, explanation: `it undoes #${action.rollbackOfId}; to redo that, propose the change again` },
  };
}

function nameReferences(presented: PresentedAction, steps: ReadonlyMap<number, RunStep>): PresentedAction {
  const name = (text: string) => nameStepReferences(text, steps);
  const nameOrNull = (text: string | null) => (text === null ? null : name(text));
  return {
    headline: name(presented.headline),
    changes: presented.changes.map((change) => ({ field: change.field, before: nameOrNull(change.before), after: nameOrNull(change.after) })),
    details: presented.details.map(name),
    code: presented.code === undefined ? undefined : name(presented.code),
  };
}
