import type { Item, TargetType } from "@leash/db";

import type { JsonObject } from "../actions/json.ts";

/** An item as every medium shows it: plain JSON, dates as ISO strings. */
export interface ItemView {
  id: number;
  kind: TargetType;
  title: string;
  data: JsonObject;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export function toItemView(item: Item): ItemView {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    data: item.data as JsonObject,
    version: item.version,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
    deletedAt: item.deletedAt?.toISOString() ?? null,
  };
}
