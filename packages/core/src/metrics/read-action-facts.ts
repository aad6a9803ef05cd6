import { Prisma, type Db } from "@leash/db";

import { durationsOf } from "./duration-histogram.ts";
import { emptyFacts, type ActionFacts } from "./action-facts.ts";

/** The facts of the actions of one bucket (hour or UTC day), action type and proposing API key. */
export interface FactsGroup {
  bucketStart: number;
  actionType: string;
  apiKeyId: string | null;
  facts: ActionFacts;
}

interface FactsRow {
  bucketStart: number;
  actionType: string;
  apiKeyId: string | null;
  proposed: number;
  executed: number;
  failed: number;
  approved: number;
  autoApproved: number;
  rejected: number;
  expired: number;
  executionMs: number[];
  decisionMs: number[];
  openIds: number[];
}

const finished = Prisma.sql`a.status IN ('executed', 'failed', 'rejected', 'cancelled')`;

/**
 * The tenant's actions (undo actions aside) of a creation-time range or of a list of ids, grouped by
 * bucket, action type and API key, in one pass over the (tenant_id, created_at) index or the primary
 * key. With `finishedOnly`, only actions that have finished (and so never change again, but for a
 * later rollback) are counted, and each group names the others in `openIds`. Rollbacks are
 * not counted here (see readRolledBack); whether an action expired is one probe of the small index
 * of `expired` events.
 */
export async function readActionFacts(
  db: Db,
  options: {
    tenantId: string;
    bucket: "hour" | "day";
    finishedOnly: boolean;
  } & ({ range: { from: Date; to: Date } } | { actionIds: readonly number[] }),
): Promise<(FactsGroup & { openIds: number[] })[]> {
  if ("actionIds" in options && options.actionIds.length === 0) return [];
  const which =
    "range" in options
      ? Prisma.sql`a.created_at >= ${options.range.from} AND a.created_at < ${options.range.to}`
      : Prisma.sql`a.id = ANY(${[...options.actionIds]}::int[])`;
  const counted = options.finishedOnly ? finished : Prisma.sql`true`;
  const rows = await db.$queryRaw<FactsRow[]>`
    SELECT f.bucket_start AS "bucketStart", f.action_type AS "actionType", f.api_key_id::text AS "apiKeyId",
           count(*) FILTER (WHERE f.counted)::int AS proposed,
           count(*) FILTER (WHERE f.counted AND f.status = 'executed')::int AS executed,
           count(*) FILTER (WHERE f.counted AND f.status = 'failed')::int AS failed,
           count(*) FILTER (WHERE f.counted AND f.approved_at IS NOT NULL)::int AS approved,
           count(*) FILTER (WHERE f.counted AND f.approved_at IS NOT NULL AND NOT f.requires_approval)::int AS "autoApproved",
           count(*) FILTER (WHERE f.counted AND f.rejected_at IS NOT NULL)::int AS rejected,
           count(*) FILTER (WHERE f.counted AND f.expired AND (f.approved_at IS NOT NULL OR f.rejected_at IS NOT NULL))::int AS expired,
           coalesce(array_agg(f.execution_ms) FILTER (WHERE f.counted AND f.status = 'executed' AND f.execution_ms IS NOT NULL), '{}') AS "executionMs",
           coalesce(array_agg(f.decision_ms) FILTER (WHERE f.counted AND f.requires_approval AND NOT f.expired AND f.decision_ms IS NOT NULL), '{}') AS "decisionMs",
           coalesce(array_agg(f.id) FILTER (WHERE NOT f.counted), '{}') AS "openIds"
    FROM (
      SELECT a.id, a.status, a.action_type, a.api_key_id, a.approved_at, a.rejected_at, a.requires_approval,
             (extract(epoch FROM date_trunc(${options.bucket}, a.created_at, 'UTC')) * 1000)::float8 AS bucket_start,
             (extract(epoch FROM a.executed_at - a.approved_at) * 1000)::float8 AS execution_ms,
             (extract(epoch FROM coalesce(a.approved_at, a.rejected_at) - a.created_at) * 1000)::float8 AS decision_ms,
             EXISTS (SELECT 1 FROM action_event e WHERE e.action_id = a.id AND e.type = 'expired') AS expired,
             ${counted} AS counted
      FROM agent_action a
      WHERE a.tenant_id = ${options.tenantId}::uuid AND a.rollback_of_id IS NULL AND ${which}
    ) f
    GROUP BY f.bucket_start, f.action_type, f.api_key_id`;
  return rows.map((row) => ({
    bucketStart: row.bucketStart,
    actionType: row.actionType,
    apiKeyId: row.apiKeyId,
    facts: {
      ...emptyFacts(),
      proposed: row.proposed,
      executed: row.executed,
      failed: row.failed,
      approved: row.approved,
      autoApproved: row.autoApproved,
      rejected: row.rejected,
      expired: row.expired,
      execution: durationsOf(row.executionMs),
      decision: durationsOf(row.decisionMs),
    },
    openIds: row.openIds,
  }));
}

/**
 * Executed actions of a creation-time range that were later rolled back, by bucket, action type and
 * API key: counted from their rows every time (a rollback may come long after the action's day was
 * summarised), through the partial index of rolled-back actions.
 */
export async function readRolledBack(db: Db, options: { tenantId: string; bucket: "hour" | "day"; from: Date; to: Date }): Promise<FactsGroup[]> {
  const rows = await db.$queryRaw<{ bucketStart: number; actionType: string; apiKeyId: string | null; rolledBack: number }[]>`
    SELECT (extract(epoch FROM date_trunc(${options.bucket}, a.created_at, 'UTC')) * 1000)::float8 AS "bucketStart",
           a.action_type AS "actionType", a.api_key_id::text AS "apiKeyId", count(*)::int AS "rolledBack"
    FROM agent_action a
    WHERE a.tenant_id = ${options.tenantId}::uuid AND a.rolled_back_at IS NOT NULL AND a.rollback_of_id IS NULL
      AND a.created_at >= ${options.from} AND a.created_at < ${options.to}
    GROUP BY 1, 2, 3`;
  return rows.map((row) => ({ bucketStart: row.bucketStart, actionType: row.actionType, apiKeyId: row.apiKeyId, facts: { ...emptyFacts(), rolledBack: row.rolledBack } }));
}
