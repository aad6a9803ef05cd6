import { Prisma, sqlFor, type AgentAction, type Db, type DbTransaction } from "@leash/db";

import { actionColumns, actionFromRow, type ActionRow } from "../actions/action-columns.ts";
import { actionWithApprovalsColumns, actionWithApprovalsFromRow, type ActionWithApprovals } from "../decisions/action-approvals.ts";

/*
 * The statements a batch of proposals costs where Prisma's model API would cost more, written as SQL
 * and kept together: each serves a whole batch (its rows as one JSON parameter, its keys as one
 * array), sent to the caller's pool or transaction without Prisma's client runtime (`sqlFor`).
 * test/proposal-statements.int.test.ts compares what they write and read with the model API's.
 */

/** An action's event as written with it (the action's id is known only once it is inserted). */
export type EventRow = Omit<Prisma.ActionEventCreateManyInput, "actionId">;

const isActionField = (key: string): key is keyof ActionRow => Object.hasOwn(actionColumns, key);

/**
 * Inserts actions and their first events in one statement, so that it is atomic without a
 * transaction and costs one round trip (a Prisma interactive transaction costs four, and about five
 * times the CPU). Ids are drawn in row order, so actions keep the order of `rows`. Answers the
 * stored actions in that order.
 */
export async function insertActionRows(
  db: DbTransaction,
  rows: readonly ActionRow[],
  eventsOf: (index: number) => EventRow[],
): Promise<AgentAction[]> {
  // A field set to undefined (an optional extra left out) is no column at all, as with Prisma's own writes.
  const setFields = (row: ActionRow) => {
    const entries: [string, unknown][] = Object.entries(row);
    return entries.flatMap(([key, value]) => (value === undefined ? [] : [key]));
  };
  const fields = [...new Set(rows.flatMap(setFields))].filter(isActionField);
  // The JSON rows carry Prisma's field names; the table has its own column names.
  const inserted = fields.filter((field) => field !== "id");
  const definitions = Prisma.raw(
    inserted.map((field) => `"${field}" ${actionColumns[field].type}`).join(", "),
  );
  const fieldNames = Prisma.raw(inserted.map((field) => `"${field}"`).join(", "));
  const columnNames = Prisma.raw(inserted.map((field) => `"${actionColumns[field].column}"`).join(", "));
  const events = rows.flatMap((_, index) => eventsOf(index).map((event) => ({ ...event, ord: index + 1 })));
  const stored = await sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
    WITH input AS MATERIALIZED (
      SELECT nextval(pg_get_serial_sequence('agent_action', 'id'))::int AS id, r.*
      FROM (SELECT * FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS (${definitions})) WITH ORDINALITY AS x(${fieldNames}, ord) ORDER BY ord) r
    ),
    actions AS (INSERT INTO agent_action (id, ${columnNames}) SELECT id, ${fieldNames} FROM input RETURNING *),
    events AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_id, actor_label, details, created_at)
      SELECT e."tenantId", i.id, e.type, e."actorKind", e."actorId", e."actorLabel", COALESCE(e.details, '{}'), COALESCE(e."createdAt", now())
      FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS (
        ord bigint, "tenantId" uuid, type "ActionEventType", "actorKind" "ActorKind", "actorId" text, "actorLabel" text, details jsonb, "createdAt" timestamptz(3)))
        WITH ORDINALITY AS e(ord, "tenantId", type, "actorKind", "actorId", "actorLabel", details, "createdAt", n)
      JOIN input i ON i.ord = e.ord
      -- Event ids follow the timeline: each action's events in the order given.
      ORDER BY e.n
    )
    SELECT * FROM actions ORDER BY id`);
  return stored.map(actionFromRow);
}

/**
 * The tenant's actions stored under any of `keys` (idempotency keys), with their approvals as the
 * action view shows them: one statement, where the model API's `include` costs a second.
 */
export async function findActionsByKeys(
  db: Db | DbTransaction,
  tenantId: string,
  keys: readonly string[],
): Promise<ActionWithApprovals[]> {
  if (keys.length === 0) return [];
  const rows = await sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
    SELECT ${actionWithApprovalsColumns} FROM agent_action a
    WHERE a.tenant_id = ${tenantId}::uuid AND a.idempotency_key = ANY(${[...keys]}::text[])`);
  return rows.map(actionWithApprovalsFromRow);
}
