import type pg from "pg";
import { z } from "zod";

import type { BenchTenant } from "../bench-database.ts";
import type { HttpClient } from "../http-client.ts";
import { wallClock } from "../load.ts";
import { distribution, type Distribution } from "../stats.ts";

/** One `action.list` filter: the API input and the same query written by hand for the baseline. */
interface ListFilter {
  label: string;
  input: Record<string, unknown>;
  where: string;
  /** The raw query's order, when Leash pages this filter other than by id. */
  orderBy?: string;
  params: unknown[];
}

export interface ListResult {
  label: string;
  input: Record<string, unknown>;
  rows: number;
  leashMs: Distribution;
  rawMs: Distribution;
  /**
   * The calls of this filter that came first and are not counted, for each pipeline: the first
   * calls a stack serves with a filter pay once for its cold code paths and cold pages.
   */
  warmup?: { calls: number; leashMs: Distribution; rawMs: Distribution };
  /** EXPLAIN ANALYZE of the hand-written query: the plan's first line and its execution time. */
  plan: string;
}

/** The CSV export through the API, and the API process's memory meanwhile. */
export interface ApiExportResult {
  rows: number;
  seconds: number;
  bytes: number;
  /** Resident memory of the API process before the export, and its peak during it (VmHWM after a reset, else sampled VmRSS). */
  rssBeforeMb: number;
  peakRssMb: number;
}

/** The export through the API, and the same rows read on bare `pg` (the baseline). */
export interface ExportResult extends ApiExportResult {
  rawSeconds: number;
}

export interface HistoryResult {
  rows: number;
  insertSeconds: number;
  lists: ListResult[];
  exportCsv: ExportResult | { notMeasured: string };
  /** The same export on an API process started for it alone after the stack stopped, once a tenth of it went first. */
  exportCsvFreshApi?: ApiExportResult;
}

const listAnswer = z.object({ items: z.array(z.object({ id: z.number() })), nextCursor: z.number().nullable() });

/**
 * Fills the history tenant with `rows` finished or waiting actions in one statement (no approved
 * ones, which the worker would pick up), spread over a year, over the tenant's items.
 */
export async function fillHistory(pool: pg.Pool, tenant: BenchTenant, rows: number): Promise<number> {
  const started = wallClock();
  const firstItem = tenant.items[0]?.id ?? 1;
  await pool.query(
    `INSERT INTO agent_action (tenant_id, proposer_label, action_type, target_type, target_id, parameters, reason, status,
                               requires_approval, executed_at, decided_by_label, attempts, created_at, updated_at)
     SELECT $1::uuid, 'history agent', t.action_type,
            CASE WHEN t.action_type = 'notify' THEN NULL ELSE (ARRAY['project','person','idea'])[1 + (n % $3) % 3]::"TargetType" END,
            CASE WHEN t.action_type = 'notify' THEN NULL ELSE $2::int + n % $3 END,
            jsonb_build_object('title', 'History ' || n), 'history row ' || n, s.status::"ActionStatus",
            s.status <> 'pending', CASE WHEN s.status = 'executed' THEN c.at END, 'auto-approval',
            CASE WHEN s.status = 'executed' THEN 1 ELSE 0 END, c.at, c.at
     FROM generate_series(1, $4::int) AS n
     CROSS JOIN LATERAL (SELECT now() - interval '365 days' + (n * interval '365 days') / $4::int AS at) c
     CROSS JOIN LATERAL (SELECT CASE WHEN (n * 7) % 100 < 40 THEN 'update' WHEN (n * 7) % 100 < 60 THEN 'create'
                                     WHEN (n * 7) % 100 < 85 THEN 'notify' WHEN (n * 7) % 100 < 95 THEN 'link'
                                     WHEN (n * 7) % 100 < 98 THEN 'delete' ELSE 'schedule' END AS action_type) t
     CROSS JOIN LATERAL (SELECT CASE WHEN (n * 13) % 100 < 85 THEN 'executed' WHEN (n * 13) % 100 < 88 THEN 'failed'
                                     WHEN (n * 13) % 100 < 92 THEN 'rejected' WHEN (n * 13) % 100 < 94 THEN 'cancelled'
                                     WHEN (n * 13) % 100 < 97 THEN 'pending' ELSE 'executed' END AS status) s`,
    [tenant.id, firstItem, tenant.items.length, rows],
  );
  await pool.query("ANALYZE agent_action");
  return (wallClock() - started) / 1000;
}

function filters(tenant: BenchTenant, middleId: number): ListFilter[] {
  const item = tenant.items[Math.floor(tenant.items.length / 2)] ?? { id: 1, kind: "project" };
  const monthStart = new Date(Date.now() - 180 * 86_400_000).toISOString();
  const monthEnd = new Date(Date.now() - 150 * 86_400_000).toISOString();
  return [
    { label: "no filter (newest page)", input: {}, where: "", params: [] },
    { label: "status = executed (85%)", input: { status: "executed" }, where: "AND status = 'executed'", params: [] },
    { label: "status = failed (3%)", input: { status: "failed" }, where: "AND status = 'failed'", params: [] },
    { label: "status = pending or failed", input: { status: ["pending", "failed"] }, where: "AND status IN ('pending', 'failed')", params: [] },
    { label: "actionType = delete (3%)", input: { actionType: "delete" }, where: "AND action_type = 'delete'", params: [] },
    { label: "targetType = idea", input: { targetType: "idea" }, where: "AND target_type = 'idea'", params: [] },
    { label: "targetType = admin (no rows)", input: { targetType: "admin" }, where: "AND target_type = 'admin'", params: [] },
    { label: "targetId only", input: { targetId: item.id }, where: "AND target_id = $2", params: [item.id] },
    {
      label: "targetType + targetId",
      input: { targetType: item.kind, targetId: item.id },
      where: `AND target_type = '${item.kind}' AND target_id = $2`,
      params: [item.id],
    },
    {
      label: "created in one month",
      input: { from: monthStart, to: monthEnd },
      where: "AND created_at >= $2 AND created_at < $3",
      params: [monthStart, monthEnd],
      // Leash pages a date range by creation time (see listActions); the raw query does the same.
      orderBy: "created_at DESC, id DESC",
    },
    {
      label: "status = failed + actionType = update",
      input: { status: "failed", actionType: "update" },
      where: "AND status = 'failed' AND action_type = 'update'",
      params: [],
    },
    { label: "page in the middle (cursor)", input: { cursor: middleId }, where: "AND id < $2", params: [middleId] },
  ];
}

/** Calls of each filter made before the measured ones, not counted (their times are reported apart). */
const LIST_WARMUP_CALLS = 5;

/** `action.list` with each filter through the API, next to the same query on bare `pg`, one call at a time. */
export async function measureLists(options: {
  pool: pg.Pool;
  http: HttpClient;
  tenant: BenchTenant;
  apiKey: string;
  calls: number;
}): Promise<ListResult[]> {
  const { pool, http, tenant, apiKey, calls } = options;
  const { rows: bounds } = await pool.query<{ min: number; max: number }>("SELECT min(id), max(id) FROM agent_action WHERE tenant_id = $1", [tenant.id]);
  const middleId = Math.floor(((bounds[0]?.min ?? 0) + (bounds[0]?.max ?? 0)) / 2);
  const results: ListResult[] = [];
  for (const filter of filters(tenant, middleId)) {
    const sql = `SELECT * FROM agent_action WHERE tenant_id = $1 ${filter.where} ORDER BY ${filter.orderBy ?? "id DESC"} LIMIT 51`;
    const params = [tenant.id, ...filter.params];
    const leash: number[] = [];
    const raw: number[] = [];
    let rows = 0;
    for (let call = 0; call < LIST_WARMUP_CALLS + calls; call += 1) {
      const started = wallClock();
      const page = listAnswer.parse(await http.query("action.list", apiKey, filter.input));
      leash.push(wallClock() - started);
      rows = page.items.length;
      const rawStarted = wallClock();
      await pool.query(sql, params);
      raw.push(wallClock() - rawStarted);
    }
    const warmup = { calls: LIST_WARMUP_CALLS, leashMs: distribution(leash.splice(0, LIST_WARMUP_CALLS)), rawMs: distribution(raw.splice(0, LIST_WARMUP_CALLS)) };
    const { rows: plan } = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS OFF) ${sql}`, params);
    const lines = plan.map((line) => line["QUERY PLAN"]);
    const scan = lines.find((line) => /Scan/.test(line))?.trim().replace(/\s+\(cost=.*$/, "") ?? "";
    results.push({
      label: filter.label,
      input: filter.input,
      rows,
      leashMs: distribution(leash),
      rawMs: distribution(raw),
      warmup,
      plan: `${scan}; ${lines.at(-1)?.trim() ?? ""}`,
    });
  }
  return results;
}
