import type { ActionView } from "../actions/action-view.ts";
import type { JsonObject, JsonValue } from "../actions/json.ts";
import type { ItemFacts } from "./present-values.ts";

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Once an action that changes its target ran, the target holds the new state; people keep reading
 * the change from the state the action found, which it saved as `rollbackData.before` (whatever
 * its type: the built-in update and a team's own rename alike).
 */
export function itemsAsFound(action: Pick<ActionView, "targetId" | "rollbackData">, items: ReadonlyMap<number, ItemFacts>): ReadonlyMap<number, ItemFacts> {
  const stored = isObject(action.rollbackData) ? action.rollbackData.before : undefined;
  const current = action.targetId !== null ? items.get(action.targetId) : undefined;
  if (!current || !isObject(stored)) return items;
  const before: ItemFacts = {
    ...current,
    title: typeof stored.title === "string" ? stored.title : current.title,
    data: isObject(stored.data) ? stored.data : current.data,
  };
  return new Map(items).set(current.id, before);
}
