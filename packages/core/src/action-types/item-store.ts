import { Prisma, sqlFor, type DbTransaction, type Item, type TargetType } from "@leash/db";

import { CoreError } from "../errors.ts";
import type { JsonObject } from "../actions/json.ts";

/*
 * The reads and writes of items on the execution path are SQL on the caller's transaction (`sqlFor`:
 * its own connection when the worker opened it with `transactionWithSql`, else Prisma's $queryRaw):
 * the model API costs several times the CPU per statement in the worker, and these run once per
 * action. test/item-store.int.test.ts compares their rows with the model API's.
 */

/** An item row with the model's field names, for the statements below. */
const itemColumns = Prisma.sql`id, tenant_id AS "tenantId", kind::text AS kind, title, data, version,
  created_at AS "createdAt", updated_at AS "updatedAt", deleted_at AS "deletedAt"`;

/** Loads a live (not deleted) item of the expected kind; refuses with NOT_FOUND or CONFLICT otherwise. */
export async function findLiveItem(
  tx: DbTransaction,
  tenantId: string,
  kind: TargetType | null,
  id: number,
): Promise<Item> {
  const [item] = await sqlFor(tx).query<Item>(Prisma.sql`SELECT ${itemColumns} FROM item WHERE id = ${id} AND tenant_id = ${tenantId}::uuid`);
  return liveItem(item, kind, id);
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
  // A change left out keeps its column, as the model API leaves a field it is not given; the row's
  // updatedAt is the client's clock, as the model API's @updatedAt sets it.
  const count = await sqlFor(tx).execute(Prisma.sql`
    UPDATE item
    SET title = CASE WHEN ${changes.title !== undefined}::boolean THEN ${changes.title ?? null}::text ELSE title END,
        data = CASE WHEN ${changes.data !== undefined}::boolean THEN ${JSON.stringify(changes.data ?? null)}::jsonb ELSE data END,
        deleted_at = CASE WHEN ${changes.deletedAt !== undefined}::boolean THEN ${changes.deletedAt ?? null}::timestamptz ELSE deleted_at END,
        version = ${version}, updated_at = ${new Date()}
    WHERE id = ${item.id} AND version = ${item.version}`);
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
  const [row] = await sqlFor(tx).query<(Item & { after: { title: string; data: JsonObject; version: number } | null })>(Prisma.sql`
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
    FROM before b LEFT JOIN after a ON true`);
  const { after, ...item } = row ?? { after: null };
  const before = liveItem(row && (item as Item), target.kind, target.id);
  if (!after) throw new Error(`${before.kind} #${before.id} is live and locked, yet was not updated`);
  return { before, after };
}

/** Inserts a new item (the model API's create), answering its row. */
export async function insertItem(
  tx: DbTransaction,
  item: { tenantId: string; kind: TargetType; title: string; data: JsonObject },
): Promise<Item> {
  const [row] = await sqlFor(tx).query<Item>(Prisma.sql`
    INSERT INTO item (tenant_id, kind, title, data, updated_at)
    VALUES (${item.tenantId}::uuid, ${item.kind}::"TargetType", ${item.title}, ${JSON.stringify(item.data)}::jsonb, ${new Date()})
    RETURNING ${itemColumns}`);
  if (!row) throw new Error(`inserting a ${item.kind} answered no row`);
  return row;
}

/**
 * Links two live items with a relation name in one statement that reads both and inserts the link
 * only when both are live and of the expected kinds and the same link does not exist yet. Refuses as
 * `findLiveItem` does for either item (the first one first), or with CONFLICT when they are already
 * linked, and then writes nothing.
 */
export async function linkLiveItems(
  tx: DbTransaction,
  link: { tenantId: string; from: { kind: TargetType | null; id: number }; to: { kind: TargetType; id: number }; relation: string },
): Promise<{ from: Item; to: Item; linkId: number }> {
  const { tenantId, from, to, relation } = link;
  const rows = await sqlFor(tx).query<(Item & { linkId: number | null })>(Prisma.sql`
    WITH items AS (
      SELECT * FROM item WHERE id IN (${from.id}, ${to.id}) AND tenant_id = ${tenantId}::uuid
    ),
    linked AS (
      INSERT INTO link (tenant_id, from_id, to_id, relation)
      SELECT ${tenantId}::uuid, f.id, t.id, ${relation}
      FROM items f, items t
      WHERE f.id = ${from.id} AND t.id = ${to.id} AND f.deleted_at IS NULL AND t.deleted_at IS NULL
        AND (${from.kind}::text IS NULL OR f.kind::text = ${from.kind}::text) AND t.kind::text = ${to.kind}::text
      -- Linked already (by an earlier action, or one committed just now): refused below, as a link found first is.
      ON CONFLICT (from_id, to_id, relation) DO NOTHING
      RETURNING id
    )
    SELECT ${itemColumns}, (SELECT id FROM linked) AS "linkId" FROM items`);
  const items = new Map(rows.map(({ linkId: _linkId, ...item }) => [item.id, item]));
  const fromItem = liveItem(items.get(from.id), from.kind, from.id);
  const toItem = liveItem(items.get(to.id), to.kind, to.id);
  const linkId = rows[0]?.linkId ?? null;
  if (linkId === null) throw new CoreError("CONFLICT", `${fromItem.title} is already linked (${relation}) to ${toItem.title}`);
  return { from: fromItem, to: toItem, linkId };
}
