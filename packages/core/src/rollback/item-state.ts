import type { Item } from "@leash/db";

import type { ItemState, RollbackChange } from "../action-types/action-definition.ts";
import type { JsonObject, JsonValue } from "../actions/json.ts";

export function itemStateOf(item: Item): ItemState {
  return { title: item.title, data: item.data as JsonObject, deleted: item.deletedAt !== null };
}

/**
 * The fields that differ between the item now and once the rollback ran. A deleted (or missing)
 * item shows no fields, so removing an item lists every field going away and restoring one lists
 * every field coming back.
 */
export function diffItemStates(current: ItemState | null, restored: ItemState | null): RollbackChange[] {
  const visible = (state: ItemState | null) => (state && !state.deleted ? state : null);
  const before = visible(current);
  const after = visible(restored);
  const changes: RollbackChange[] = [];
  const titleBefore = before?.title ?? null;
  const titleAfter = after?.title ?? null;
  if (titleBefore !== titleAfter) changes.push({ field: "title", current: titleBefore, restored: titleAfter });
  const keys = [...new Set([...Object.keys(before?.data ?? {}), ...Object.keys(after?.data ?? {})])];
  for (const key of keys) {
    const from: JsonValue = before?.data[key] ?? null;
    const to: JsonValue = after?.data[key] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ field: `data.${key}`, current: from, restored: to });
  }
  return changes;
}
