import type { DbTransaction, Item, TargetType } from "@leash/db";

import { CoreError } from "../errors.ts";
import type { JsonObject } from "../actions/json.ts";

/** Loads a live (not deleted) item of the expected kind; refuses with NOT_FOUND or CONFLICT otherwise. */
export async function findLiveItem(
  tx: DbTransaction,
  tenantId: string,
  kind: TargetType | null,
  id: number,
): Promise<Item> {
  return liveItem(await tx.item.findFirst({ where: { id, tenantId } }), kind, id);
}

function liveItem(item: Item | null | undefined, kind: TargetType | null, id: number): Item {
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

/**
 * Merges `changes` into a live item's data (a field set to null is removed) and sets its title when
 * given, in one statement that also answers the item as it was (for the rollback data): it locks the
 * row and reads its newest version first, so nothing can change it in between. Refuses as
 * `findLiveItem` does, and then writes nothing.
 */
export async function mergeIntoLiveItem(
  tx: DbTransaction,
  target: { tenantId: string; kind: TargetType | null; id: number },
  update: { title: string | undefined; changes: Record<string, unknown>; now: Date },
): Promise<{ before: Item; after: { title: string; data: JsonObject; version: number } }> {
  const [row] = await tx.$queryRaw<(Item & { after: { title: string; data: JsonObject; version: number } | null })[]>`
    WITH before AS (
      SELECT * FROM item WHERE id = ${target.id} AND tenant_id = ${target.tenantId}::uuid FOR UPDATE
    ),
    after AS (
      UPDATE item i
      SET title = COALESCE(${update.title ?? null}::text, b.title),
          data = COALESCE((SELECT jsonb_object_agg(key, value) FROM jsonb_each(b.data || ${JSON.stringify(update.changes)}::jsonb)
                           WHERE value <> 'null'::jsonb), '{}'::jsonb),
          version = b.version + 1, updated_at = ${update.now}
      FROM before b
      WHERE i.id = b.id AND b.deleted_at IS NULL AND (${target.kind}::text IS NULL OR b.kind::text = ${target.kind}::text)
      RETURNING i.title, i.data, i.version
    )
    SELECT b.id, b.tenant_id AS "tenantId", b.kind::text AS kind, b.title, b.data, b.version, b.created_at AS "createdAt",
           b.updated_at AS "updatedAt", b.deleted_at AS "deletedAt", to_jsonb(a) AS after
    FROM before b LEFT JOIN after a ON true`;
  const { after, ...item } = row ?? { after: null };
  const before = liveItem(row && (item as Item), target.kind, target.id);
  if (!after) throw new Error(`${before.kind} #${before.id} is live and locked, yet was not updated`);
  return { before, after };
}
