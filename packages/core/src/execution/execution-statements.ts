import { Prisma, sqlFor, type Db, type DbTransaction } from "@leash/db";

import type { JsonObject } from "../actions/json.ts";
import { waitsForAPerson } from "./waits-for-a-person.ts";

/*
 * The statements a batch of executions costs, written as SQL and kept together: each one serves the
 * whole batch (its actions as one array or one JSON parameter, `= ANY`, `unnest`,
 * `jsonb_to_recordset`), so a batch of 64 pays the round trips, parse and plan of one. They go
 * straight to the pool and the transaction Prisma's model API uses (`sqlFor` of the client, and of a
 * transaction opened by `transactionWithSql`), without Prisma's client runtime; the model API stays
 * for everything off this path. test/execution-statements.int.test.ts compares their rows with the
 * model API's.
 */

/**
 * Claims the approved actions among `claims` (or those whose claim went stale) with one statement,
 * each under its own claim token, and records each attempt's `started` event in the same statement.
 * The claim rules are claimAction's: no earlier approved or executing action on the same target that
 * does not wait for a person, and a dependency that has executed. Two actions of one batch on one
 * target: the later one sees the earlier one approved, so only the earliest is claimed.
 *
 * Spelled for the right indexes: the claimed rows are found by primary key (status compared as
 * text, which no partial index's predicate matches), and the earlier actions on each target by a
 * scalar subquery per row, which the planner runs as a search of the target index and cannot turn
 * into an anti-join that walks every action in flight. A row another transaction holds (a worker
 * claiming the same action just now) is skipped rather than waited for: the caller answers it busy.
 */
export function claimStatement(
  db: Db,
  input: { claims: readonly { actionId: number; claimToken: string }[]; workerId: string; now: Date; staleBefore: Date },
): Promise<Record<string, unknown>[]> {
  const ids = input.claims.map((claim) => claim.actionId);
  const tokens = input.claims.map((claim) => claim.claimToken);
  const { now, staleBefore } = input;
  return sqlFor(db).query<Record<string, unknown>>(Prisma.sql`
    WITH candidate AS (
      SELECT a.id FROM agent_action a
      WHERE a.id = ANY(${ids}::int[])
        AND (a.status::text = 'approved' OR (a.status::text = 'executing' AND a.claimed_at < ${staleBefore}))
      ORDER BY a.id
      FOR UPDATE SKIP LOCKED
    ),
    claimed AS (
      UPDATE agent_action a
      SET status = 'executing', claim_token = w.token, claimed_at = ${now}, attempts = a.attempts + 1, updated_at = ${now}
      FROM unnest(${ids}::int[], ${tokens}::uuid[]) AS w(id, token)
      WHERE a.id = w.id AND a.id IN (SELECT id FROM candidate)
        AND (a.status::text = 'approved' OR (a.status::text = 'executing' AND a.claimed_at < ${staleBefore}))
        AND (a.target_id IS NULL OR (
          SELECT b.id FROM agent_action b
          WHERE b.tenant_id = a.tenant_id AND b.target_type = a.target_type AND b.target_id = a.target_id
            AND b.id < a.id AND (b.status = 'approved' OR b.status = 'executing') AND NOT ${waitsForAPerson("b")}
          LIMIT 1) IS NULL)
        AND (a.depends_on_id IS NULL OR EXISTS (
          SELECT 1 FROM agent_action d WHERE d.id = a.depends_on_id AND d.status = 'executed'))
      RETURNING a.*
    ),
    started AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_label, details, created_at)
      SELECT tenant_id, id, 'started', 'system', 'worker',
             jsonb_build_object('attempt', attempts, 'worker', ${input.workerId}::text), ${now}
      FROM claimed ORDER BY id
    ),
    -- The claim commits without waiting for its WAL to reach the disk. A crash of PostgreSQL can only
    -- lose it together with everything after it, so the action is approved again and runs again (no
    -- effect of it can have committed: the execution's own commit waits, and flushes the claim first).
    no_flush_wait AS (SELECT set_config('synchronous_commit', 'off', true))
    SELECT claimed.* FROM claimed, no_flush_wait`);
}

/**
 * The first statement of a batch's transaction: of its claims, those still held (executing under this
 * worker's token), locked until the commit. Another worker that finds one of them stale cannot take
 * it over in the middle of the batch (its claim skips locked rows), so the statement that marks the
 * batch executed finds every claim that this one found; a claim taken over before it is left out and
 * its action not run here.
 */
export async function lockHeldClaims(tx: DbTransaction, claims: readonly { actionId: number; claimToken: string }[]): Promise<Set<number>> {
  const ids = claims.map((claim) => claim.actionId);
  const tokens = claims.map((claim) => claim.claimToken);
  const rows = await sqlFor(tx).query<{ id: number }>(Prisma.sql`
    SELECT a.id FROM agent_action a JOIN unnest(${ids}::int[], ${tokens}::uuid[]) AS w(id, token) ON a.id = w.id
    WHERE a.status::text = 'executing' AND a.claim_token = w.token
    ORDER BY a.id
    FOR UPDATE OF a`);
  return new Set(rows.map((row) => row.id));
}

/*
 * The savepoints of a batch (see runHeldActions: where one is needed) all have one name: a new one
 * nests inside the last, and rolling back to the name undoes only what followed the newest, so the
 * action that threw loses its writes and the batch keeps the others'. None is released: that would
 * cost a round trip each and change nothing at the commit.
 */
export async function openSavepoint(tx: DbTransaction): Promise<void> {
  await sqlFor(tx).execute(Prisma.sql`SAVEPOINT leash_action`);
}

export async function rollbackToSavepoint(tx: DbTransaction): Promise<void> {
  await sqlFor(tx).execute(Prisma.sql`ROLLBACK TO SAVEPOINT leash_action`);
}

export interface ExecutedRow {
  actionId: number;
  claimToken: string;
  result: JsonObject;
  /** Null leaves the stored value as it is (an undo's row keeps the original's). */
  rollbackData: JsonObject | null;
  targetId: number | null;
  /** A template step's parameters once filled in; null leaves the stored ones. */
  parameters: Prisma.InputJsonObject | null;
  details: JsonObject;
}

/**
 * Marks the batch's actions executed and appends their `executed` events in one statement, each only
 * while its claim token still matches, and answers, for each one marked, the actions that wait for
 * it (`waitingOnQuery`, one search per marked action, seen as of the statement's start) to wake once
 * the batch has committed.
 */
export async function markExecutedStatement(tx: DbTransaction, rows: readonly ExecutedRow[], now: Date): Promise<Map<number, number[]>> {
  if (rows.length === 0) return new Map();
  // One JSON parameter for the whole batch: one statement shape (prepared once) whatever the batch size.
  const input = JSON.stringify(
    rows.map((row) => ({
      id: row.actionId,
      token: row.claimToken,
      result: row.result,
      rollback_data: row.rollbackData,
      target_id: row.targetId,
      parameters: row.parameters,
      details: row.details,
    })),
  );
  const marked = await sqlFor(tx).query<{ id: number; waiting: number[] }>(Prisma.sql`
    WITH input AS (
      SELECT * FROM jsonb_to_recordset(${input}::jsonb)
        AS u(id int, token uuid, result jsonb, rollback_data jsonb, target_id int, parameters jsonb, details jsonb)
    ),
    done AS (
      UPDATE agent_action a
      SET status = 'executed', executed_at = ${now}, result = u.result,
          rollback_data = COALESCE(u.rollback_data, a.rollback_data),
          target_id = u.target_id, parameters = COALESCE(u.parameters, a.parameters),
          error_message = NULL, claim_token = NULL, updated_at = ${now}
      FROM input u
      -- Status as text: found by the primary key, not by a walk of the in-flight index (see claimStatement).
      WHERE a.id = u.id AND a.status::text = 'executing' AND a.claim_token = u.token
      RETURNING a.id, a.tenant_id, a.target_id, u.details
    ),
    executed_event AS (
      INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_id, actor_label, details)
      -- The worker's system actor, as the claim's started event records it.
      SELECT tenant_id, id, 'executed', 'system', NULL, 'worker', details
      FROM done ORDER BY id
    )
    SELECT d.id, ARRAY(
      SELECT id FROM (
        SELECT id, status FROM agent_action later
        WHERE later.tenant_id = d.tenant_id AND later.target_id = d.target_id AND later.id > d.id
          AND (later.status = 'approved' OR later.status = 'executing') AND NOT ${waitsForAPerson("later")}
        ORDER BY later.target_id, later.id LIMIT 1) next_on_target
      WHERE status = 'approved'
      UNION ALL
      -- No tenant condition: a dependent is a later step of the same template run, so of the same tenant,
      -- and with stale statistics that condition led the planner to walk the tenant's whole index.
      SELECT id FROM (
        SELECT id, status FROM agent_action dep WHERE dep.depends_on_id = d.id OFFSET 0) dependents
      WHERE status = 'approved') AS waiting
    FROM done d`);
  return new Map(marked.map((row) => [row.id, row.waiting]));
}
