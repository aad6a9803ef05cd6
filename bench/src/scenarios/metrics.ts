import type pg from "pg";
import { z } from "zod";

import type { HttpClient } from "../http-client.ts";
import { sleep, wallClock } from "../load.ts";
import { startCpuCount, type MeasuredProcess } from "../process-cpu.ts";
import { distribution, type Distribution } from "../stats.ts";

export interface MetricsTenant {
  id: string;
  /** The agent keys (ids) the actions are spread over; a fifth of the actions come from people instead. */
  agentKeyIds: string[];
  /** A viewer key that reads the metrics. */
  viewerKey: string;
}

export interface MetricsCall {
  label: string;
  input: Record<string, unknown>;
  /** The first call after the fill: it summarises every hour and day it needs and stores them. */
  firstMs: number;
  /** The calls after it. */
  ms: Distribution;
}

export interface MetricsResult {
  measuredAt: string;
  /** Measured by `--only metrics`, apart from the rest of the results it is written into. */
  alone: boolean;
  /** 1, 5 and 15 minute load averages when the section started. */
  loadAverage: number[];
  rows: number;
  days: number;
  insertSeconds: number;
  /** Seconds the harness then waited for the worker to seal the inserted events (waitForSealedEvents); null when no worker ran (`--only`). Missing from runs before it existed. */
  sealSeconds?: number | null;
  /**
   * CPU the stack used while nothing was proposed, after the fill was sealed and vacuumed: what its
   * timers (reconciler, sweeps, sealer) cost on a large database, in ms per second. Null with
   * `--only`, which starts no worker; missing from runs before it existed.
   */
  atRest?: { seconds: number; cpuMsPerSecond: Record<string, number> } | null;
  calls: MetricsCall[];
  /** What the month's figures were, as a check that the summary read every action. */
  monthProposed: number;
}

const summaryAnswer = z.object({ totals: z.object({ proposed: z.number() }) });

/**
 * Fills the tenant with `rows` actions spread evenly over the last `days` days, in one statement
 * (about 93% executed, 3% of those rolled back; 3% failed, 4% rejected, 1% cancelled): 60%
 * auto-approved, the rest decided by a person within about an hour, or, for 5% of those, by the
 * policy's fallback after an hour (with their `expired` event), except in the last two days, where
 * those are still pending. No action is left approved, which the worker would pick up. Each action
 * also gets its `proposed` event, so that the events table is as large as a real one's.
 */
export async function fillMetrics(pool: pg.Pool, tenant: MetricsTenant, rows: number, days: number): Promise<number> {
  const started = wallClock();
  await pool.query(
    `INSERT INTO agent_action (tenant_id, api_key_id, proposer_label, action_type, parameters, status, requires_approval,
                               approved_at, rejected_at, cancelled_at, executed_at, rolled_back_at, decided_by_label, attempts,
                               created_at, updated_at)
     SELECT $1::uuid, CASE WHEN n % 10 < 8 THEN ($2::uuid[])[1 + n % array_length($2::uuid[], 1)] END,
            CASE WHEN n % 10 < 8 THEN 'bench agent' ELSE 'Bench Person' END, t.action_type, '{}'::jsonb, o.status::"ActionStatus",
            NOT o.auto,
            CASE WHEN o.status IN ('executed', 'failed') THEN c.at + d.decide END,
            CASE WHEN o.status = 'rejected' THEN c.at + d.decide END,
            CASE WHEN o.status = 'cancelled' THEN c.at + d.decide END,
            CASE WHEN o.status = 'executed' THEN c.at + d.decide + d.run END,
            CASE WHEN o.status = 'executed' AND (n * 17) % 100 < 3 THEN c.at + d.decide + d.run + interval '1 hour' END,
            CASE WHEN o.expired THEN 'deadline (expiry)' WHEN o.auto THEN NULL ELSE 'Bench Approver' END,
            CASE WHEN o.status IN ('executed', 'failed') THEN 1 ELSE 0 END, c.at, c.at
     FROM generate_series(1, $3::int) AS n
     CROSS JOIN LATERAL (SELECT now() - $4::int * interval '1 day' + (n * $4::int * interval '1 day') / $3::int AS at) c
     CROSS JOIN LATERAL (SELECT CASE WHEN (n * 7) % 100 < 40 THEN 'update' WHEN (n * 7) % 100 < 60 THEN 'create'
                                     WHEN (n * 7) % 100 < 85 THEN 'notify' WHEN (n * 7) % 100 < 95 THEN 'link'
                                     WHEN (n * 7) % 100 < 98 THEN 'delete' ELSE 'schedule' END AS action_type) t
     CROSS JOIN LATERAL (SELECT (n * 11) % 100 < 60 AS auto, (n * 13) % 1000 AS r, c.at > now() - interval '2 days' AS recent) a
     CROSS JOIN LATERAL (SELECT a.auto,
                                CASE WHEN a.r >= 850 AND a.r < 880 THEN 'failed' WHEN a.auto OR a.r < 850 THEN 'executed'
                                     WHEN a.r < 930 THEN 'rejected' WHEN a.r < 950 THEN 'cancelled'
                                     WHEN a.recent THEN 'pending' WHEN a.r < 990 THEN 'rejected' ELSE 'executed' END AS status,
                                NOT a.auto AND a.r >= 950 AND NOT a.recent AS expired) o
     CROSS JOIN LATERAL (SELECT CASE WHEN o.auto THEN interval '0' WHEN o.expired THEN interval '1 hour'
                                     ELSE interval '5 seconds' + (((n * 31) % 1000) ^ 2 / 1000.0) * interval '3.6 seconds' END AS decide,
                                interval '20 milliseconds' + (((n * 37) % 1000) ^ 2 / 1000.0) * interval '8 milliseconds' AS run) d`,
    [tenant.id, tenant.agentKeyIds, rows, days],
  );
  await pool.query(
    `INSERT INTO action_event (tenant_id, action_id, type, actor_kind, actor_label, created_at)
     SELECT tenant_id, id, 'proposed'::"ActionEventType", 'api_key'::"ActorKind", proposer_label, created_at FROM agent_action WHERE tenant_id = $1
     UNION ALL
     SELECT tenant_id, id, 'expired'::"ActionEventType", 'system'::"ActorKind", 'deadline', created_at + interval '1 hour' FROM agent_action
     WHERE tenant_id = $1 AND decided_by_label = 'deadline (expiry)'`,
    [tenant.id],
  );
  // What autovacuum would have done by the time a real tenant had this many: statistics, and the
  // visibility map that lets the rolled-back actions be read from their index alone.
  await pool.query("VACUUM (ANALYZE) agent_action");
  await pool.query("VACUUM (ANALYZE) action_event");
  return (wallClock() - started) / 1000;
}

/** The CPU `processes` use in `seconds` while the harness does nothing, in ms per second each. */
export async function measureAtRest(processes: readonly MeasuredProcess[], seconds: number): Promise<NonNullable<MetricsResult["atRest"]>> {
  const used = startCpuCount(processes);
  await sleep(seconds * 1000);
  return { seconds, cpuMsPerSecond: Object.fromEntries(Object.entries(used()).map(([name, ms]) => [name, ms / seconds])) };
}

/** `metrics.summary` over HTTP with a viewer key: each window once right after the fill, then `calls` times more, one call at a time. */
export async function measureMetrics(options: { http: HttpClient; tenant: MetricsTenant; calls: number }): Promise<{ calls: MetricsCall[]; monthProposed: number }> {
  const { http, tenant, calls } = options;
  const agent = tenant.agentKeyIds[0];
  const inputs: { label: string; input: Record<string, unknown> }[] = [
    { label: "day", input: { window: "day" } },
    { label: "week", input: { window: "week" } },
    { label: "month", input: { window: "month" } },
    { label: "month, one action type and agent", input: { window: "month", actionType: "update", ...(agent ? { apiKeyId: agent } : {}) } },
  ];
  const results: MetricsCall[] = [];
  let monthProposed = 0;
  for (const { label, input } of inputs) {
    const timed = async () => {
      const started = wallClock();
      const answer = summaryAnswer.parse(await http.query("metrics.summary", tenant.viewerKey, input));
      if (label === "month") monthProposed = answer.totals.proposed;
      return wallClock() - started;
    };
    const firstMs = await timed();
    const samples: number[] = [];
    for (let call = 0; call < calls; call += 1) samples.push(await timed());
    results.push({ label, input, firstMs, ms: distribution(samples) });
  }
  return { calls: results, monthProposed };
}
