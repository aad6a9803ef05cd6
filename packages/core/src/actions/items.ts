import type { DbTransaction, Item, TargetType } from "@leash/db";

import { CoreError } from "../errors.ts";
import type { JsonObject } from "./json.ts";

/** Loads a live (not deleted) item of the expected kind; refuses with NOT_FOUND or CONFLICT otherwise. */
export async function findLiveItem(
  tx: DbTransaction,
  tenantId: string,
  kind: TargetType | null,
  id: number,
): Promise<Item> {
  const item = await tx.item.findFirst({ where: { id, tenantId } });
  if (!item || (kind !== null && item.kind !== kind)) {
    throw new CoreError("NOT_FOUND", `No ${kind ?? "item"} #${id}`);
  }
  if (item.deletedAt !== null) {
    throw new CoreError("CONFLICT", `${item.kind} #${id} "${item.title}" has been deleted`);
  }
  return item;
}

export function itemSnapshot(item: Item): JsonObject {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    data: item.data as JsonObject,
    version: item.version,
    deletedAt: item.deletedAt?.toISOString() ?? null,
  };
}

/**
 * Writes `changes` only if nobody else changed the item since it was read (its version is unchanged);
 * a lost race is retryable: the next attempt reads the newer state.
 */
export async function updateItemIfUnchanged(
  tx: DbTransaction,
  item: Item,
  changes: { title?: string; data?: JsonObject; deletedAt?: Date | null },
): Promise<number> {
  const version = item.version + 1;
  const { count } = await tx.item.updateMany({
    where: { id: item.id, version: item.version },
    data: { ...changes, version },
  });
  if (count === 0) {
    throw new CoreError("CONFLICT", `${item.kind} #${item.id} changed while this action ran`, { retryable: true });
  }
  return version;
}
