import type { ApprovalResult } from "../scenarios/approvals.ts";
import { MAX_LAG_SECONDS, type LoadRunResult } from "../scenarios/load-run.ts";
import { round, type Distribution } from "../stats.ts";
import type { HttpRunResult, HttpWorkloadResult } from "../scenarios/http-requests.ts";
import type { MetricsResult } from "../scenarios/metrics.ts";
import type { BenchResults, PipelineResults } from "./results.ts";

export const RESULTS_START = "<!-- bench:results:start (written by `pnpm bench`; edit outside these markers) -->";
export const RESULTS_END = "<!-- bench:results:end -->";

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? String(round(value, digits)) : "n/a");
const dist = (value: Distribution, digits = 1) => `${fmt(value.p50, digits)} / ${fmt(value.p99, digits)} (n=${value.n})`;
const ratio = (leash: number, raw: number) => (Number.isFinite(leash) && Number.isFinite(raw) && raw > 0 ? `${fmt(leash / raw, 2)}x` : "n/a");
const verdict = (ok: boolean) => (ok ? "met" : "**not met**");

/**
 * Executed actions per second the pipeline keeps up with: the best of the saturation run's median
 * per-second rate under full load and the fixed loads it drained within 2 s of their end.
 */
export function sustainedRate(pipeline: PipelineResults): number {
  const kept = pipeline.fixedLoads.filter((run) => run.stoppedAfterSeconds === null && run.drainMs < 2000).map((run) => run.executedPerSecond.p50);
  return Math.max(pipeline.saturation.executedPerSecond.p50, ...kept);
}

const totalCpu = (run: LoadRunResult) => Object.values(run.cpuMsPerAction).reduce((sum, ms) => sum + ms, 0);

const cpu = (run: LoadRunResult) =>
  Object.entries(run.cpuMsPerAction)
    .map(([name, ms]) => `${name} ${fmt(ms, 2)}`)
    .join(", ");

function loadLabel(run: LoadRunResult): string {
  if (run.offeredPerSecond === null) return `saturation (${run.agents ?? 0} agents, closed loop)`;
  return `${run.offeredPerSecond}/s offered${run.stoppedAfterSeconds !== null ? ` (**not sustained**: stopped after ${fmt(run.stoppedAfterSeconds)} s, over ${MAX_LAG_SECONDS} s or 512 calls behind)` : ""}`;
}

function loadTable(results: BenchResults): string[] {
  const rows = [
    "| load | pipeline | proposed (errors) | executed/s median / p99 of per-second counts | sustained/s incl. drain | backlog window start → load end, drain | propose call ms p50 / p99 | propose → executed ms p50 / p99 | CPU ms per action |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const pairs = [
    ...results.leash.fixedLoads.map((run, index) => [run, results.raw.fixedLoads[index]] as const),
    [results.leash.saturation, results.raw.saturation] as const,
  ];
  for (const [leash, raw] of pairs) {
    for (const [name, run] of [["Leash", leash], ["raw", raw]] as const) {
      if (!run) continue;
      rows.push(
        `| ${loadLabel(run)} | ${name} | ${run.proposed} (${run.errors}${run.notExecuted ? `, ${run.notExecuted} not executed` : ""}) | ${dist(run.executedPerSecond, 0)} | ${fmt(run.sustainedPerSecond, 0)} | ${run.backlogAtWindowStart} → ${run.backlogAtLoadEnd}, ${fmt(run.drainMs / 1000, 1)} s | ${dist(run.proposeLatencyMs)} | ${dist(run.proposeToExecutedMs)} | ${cpu(run)} |`,
      );
    }
    if (raw) {
      rows.push(
        `| | ratio Leash / raw | | ${ratio(leash.executedPerSecond.p50, raw.executedPerSecond.p50)} | ${ratio(leash.sustainedPerSecond, raw.sustainedPerSecond)} | | ${ratio(leash.proposeLatencyMs.p50, raw.proposeLatencyMs.p50)} / ${ratio(leash.proposeLatencyMs.p99, raw.proposeLatencyMs.p99)} | ${ratio(leash.proposeToExecutedMs.p50, raw.proposeToExecutedMs.p50)} / ${ratio(leash.proposeToExecutedMs.p99, raw.proposeToExecutedMs.p99)} | ${ratio(totalCpu(leash), totalCpu(raw))} in all |`,
      );
    }
  }
  return rows;
}

function approvalRow(label: string, leash: ApprovalResult, raw: ApprovalResult): string {
  return `| ${label} | ${dist(leash.approveCallMs)} | ${dist(leash.approveToExecutedMs)} | ${dist(raw.approveCallMs)} | ${dist(raw.approveToExecutedMs)} | ${ratio(leash.approveToExecutedMs.p50, raw.approveToExecutedMs.p50)} / ${ratio(leash.approveToExecutedMs.p99, raw.approveToExecutedMs.p99)} |`;
}

const cpuPerRequest = (run: HttpRunResult) =>
  Object.entries(run.cpuMsPerRequest)
    .map(([name, ms]) => `${name} ${fmt(ms, 2)}`)
    .join(", ");

function httpSection(http: HttpWorkloadResult): string[] {
  const { leash, raw } = http;
  const row = (name: string, run: HttpRunResult) =>
    `| ${name} | ${run.requests} (${run.errors}) | ${dist(run.perSecond, 0)} | ${fmt(run.overallPerSecond, 0)} | ${dist(run.latencyMs, 2)} | ${cpuPerRequest(run)} |`;
  return [
    "### 7. HTTP requests through a connector",
    "",
    `${http.concurrency} agents propose auto-approved \`http\` actions (\`POST /invoices\` with a small JSON body through a connector allowing the private network) over the API, each waiting for its action to execute before proposing the next (the harness learns it from one database poll every 5 ms for all of them; latency runs from the propose call's start to \`executed_at\`, so the poll does not count in it). The worker sends each request signed (Standard Webhooks) with its \`Idempotency-Key\`, on a connection of its own (connectors pin the address they checked, so they do not reuse connections), and records the answer. The raw baseline, in the same run, is ${http.concurrency} loops of \`fetch\` (keep-alive) to the same receiver, a process of its own that answers 201 at once. ${http.durationSeconds} s each, the first ${fmt(http.warmupSeconds, 0)} s not counted.`,
    "",
    "| pipeline | requests (errors) | executed/s median / p99 of per-second counts | executed/s over the window | latency ms p50 / p99 (n) | CPU ms per request |",
    "| --- | --- | --- | --- | --- | --- |",
    row("Leash `http`", leash),
    row("raw `fetch`", raw),
    `| ratio Leash / raw | | ${ratio(leash.perSecond.p50, raw.perSecond.p50)} | ${ratio(leash.overallPerSecond, raw.overallPerSecond)} | ${ratio(leash.latencyMs.p50, raw.latencyMs.p50)} / ${ratio(leash.latencyMs.p99, raw.latencyMs.p99)} | |`,
    "",
    `Inside Leash's latency: the propose call ${dist(leash.proposeCallMs)} ms; the HTTP exchange as the worker recorded it (\`durationMs\`, connect included) ${dist(leash.exchangeMs)} ms.`,
    ...(leash.errors || raw.errors ? ["", `First errors: Leash ${leash.firstError ?? "none"}; raw ${raw.firstError ?? "none"}.`] : []),
  ];
}

/** The month window's answer time, against the target of issue 19. */
const METRICS_MONTH_TARGET_MS = 500;

const monthCall = (metrics: MetricsResult) => metrics.calls.find((call) => call.label === "month");

function metricsTarget(metrics: MetricsResult | undefined): string {
  const month = metrics ? monthCall(metrics) : undefined;
  if (!metrics || !month) return "| metrics.summary for a month p50 < 500 ms (1000000 actions) | not measured | | |";
  return `| metrics.summary for a month p50 < ${METRICS_MONTH_TARGET_MS} ms (${metrics.rows} actions) | ${dist(month.ms)} | | ${verdict(month.ms.p50 < METRICS_MONTH_TARGET_MS)} |`;
}

function metricsSection(metrics: MetricsResult | undefined): string[] {
  if (!metrics) return ["### 8. Metrics", "", "Not measured in this run."];
  return [
    "### 8. Metrics",
    "",
    `${metrics.alone ? `Measured on its own (\`pnpm bench --only metrics\`) at ${metrics.measuredAt}, not in the run above; load average ${metrics.loadAverage.join(" / ")} (1/5/15 min) when it started. ` : ""}${metrics.rows} actions in one tenant, proposed evenly over the last ${metrics.days} days (inserted with \`generate_series\`, with their \`proposed\` and \`expired\` events, in ${fmt(metrics.insertSeconds, 1)} s): 60% auto-approved, about 93% executed (3% of those rolled back), 3% failed, 4% rejected, 1% cancelled; the last two days' proposals that would have expired are still pending. \`metrics.summary\` over HTTP with a viewer key, one call at a time, in the table's order. Each input's first call summarises the hours and days that are over which it needs and the inputs above it had not summarised yet, and stores them (\`action_metrics_period\`): the month's first call is what a busy tenant's first visit costs. The calls after it read those summaries, plus the current hour's actions, the actions still in flight and the rolled-back ones from their rows.`,
    "",
    "| input | first call ms | then ms p50 / p99 (n) |",
    "| --- | --- | --- |",
    ...metrics.calls.map((call) => `| ${call.label} | ${fmt(call.firstMs, 0)} | ${dist(call.ms)} |`),
    "",
    `The month's answer counted ${metrics.monthProposed} proposed actions.`,
  ];
}

/** The generated part of BENCHMARKS.md: machine, versions, targets and every scenario next to the raw baseline. */
export function renderResults(results: BenchResults): string {
  const { machine, leash, raw, history } = results;
  const at300 = leash.fixedLoads.find((run) => run.offeredPerSecond === 300);
  const sustained = sustainedRate(leash);
  const rawSustained = sustainedRate(raw);
  const worstListP99 = Math.max(...history.lists.map((list) => list.leashMs.p99));
  const exportCsv = "notMeasured" in history.exportCsv ? null : history.exportCsv;
  const lines = [
    RESULTS_START,
    "",
    `Run: ${results.startedAt} (${results.mode} run, ${fmt(results.durationSeconds / 60, 1)} min), \`pnpm bench${results.mode === "quick" ? " --quick" : ""}\`.`,
    "",
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, shared by Postgres, Redis, the API, the worker and the load generator; load average ${machine.loadAverage.join(" / ")} (1/5/15 min) when the run started.`,
    `Versions: Node ${machine.node}, PostgreSQL ${machine.postgres} (${Object.entries(machine.postgresSettings).map(([name, value]) => `${name}=${value}`).join(", ")}), Redis ${machine.redis}; ${Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(", ")}.`,
    `Leash settings: worker concurrency ${results.settings.workerConcurrency}, DB pool ${results.settings.dbPoolSize} per process, ${results.settings.agentKeys} agent keys.`,
    "",
    "Every latency is `p50 / p99 (n=samples)` in milliseconds (p50 is the median); ratios are Leash / raw (above 1x: Leash is slower for latencies, faster for rates). Sustained throughput is the best of the saturation run's median executed/s (one sample per second under full load) and the fixed loads drained within 2 s of their end. CPU ms per action is user + system time of each process (from /proc) over the whole run, drain included, divided by the actions executed: unlike the rates, it hardly moves with other work on the machine (except for PostgreSQL and Redis, whose figures include whatever else used the shared servers meanwhile). The raw baseline's producer runs inside the load generator and is not counted.",
    "",
    "### Targets",
    "",
    "| target | measured | raw baseline | verdict |",
    "| --- | --- | --- | --- |",
    `| sustained end-to-end throughput >= 600/s | ${fmt(sustained, 0)}/s | ${fmt(rawSustained, 0)}/s | ${verdict(sustained >= 600)} |`,
    `| throughput >= 0.5x raw | ${ratio(sustained, rawSustained)} | 1x | ${verdict(sustained >= 0.5 * rawSustained)} |`,
    at300
      ? `| propose → executed at 300/s: p50 <= 10 ms, p99 <= 100 ms | ${dist(at300.proposeToExecutedMs)} | ${dist(raw.fixedLoads.find((run) => run.offeredPerSecond === 300)?.proposeToExecutedMs ?? { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN })} | ${verdict(at300.proposeToExecutedMs.p50 <= 10 && at300.proposeToExecutedMs.p99 <= 100)} |`
      : "| propose → executed at 300/s | not run | | |",
    `| approve → executed at low load: p50 <= 10 ms, p99 <= 50 ms | ${dist(leash.approvalsAtLowLoad.approveToExecutedMs)} | ${dist(raw.approvalsAtLowLoad.approveToExecutedMs)} | ${verdict(leash.approvalsAtLowLoad.approveToExecutedMs.p50 <= 10 && leash.approvalsAtLowLoad.approveToExecutedMs.p99 <= 50)} |`,
    "notMeasured" in results.slack
      ? `| Slack ack p99 <= 20 ms, max <= 500 ms | not measured | | ${results.slack.notMeasured} |`
      : `| Slack ack p99 <= 20 ms, max <= 500 ms | ${dist(results.slack.ackMs)}, max ${fmt(results.slack.ackMs.max)} | | ${verdict(results.slack.ackMs.p99 <= 20 && results.slack.ackMs.max <= 500)} |`,
    `| ${leash.burst.size}-action burst drained in <= 15 s | ${fmt(leash.burst.drainSeconds.p50, 2)} s median (n=${leash.burst.drainSeconds.n}) | ${fmt(raw.burst.drainSeconds.p50, 2)} s | ${leash.burst.size === 10_000 ? verdict(leash.burst.drainSeconds.p50 <= 15) : "quick run: smaller burst"} |`,
    `| history list p99 <= 50 ms for every filter (${history.rows} rows) | worst p99 ${fmt(worstListP99)} ms | | ${verdict(worstListP99 <= 50)} |`,
    exportCsv
      ? `| ${exportCsv.rows}-row CSV export, peak RSS growth < 100 MB | ${fmt(exportCsv.peakRssMb - exportCsv.rssBeforeMb, 0)} MB growth, ${fmt(exportCsv.seconds, 2)} s | ${fmt(exportCsv.rawSeconds, 2)} s | ${verdict(exportCsv.peakRssMb - exportCsv.rssBeforeMb < 100)} |`
      : `| CSV export, peak RSS growth < 100 MB | not measured | | ${"notMeasured" in history.exportCsv ? history.exportCsv.notMeasured : ""} |`,
    metricsTarget(results.metrics),
    "",
    "### 1 + 2. End-to-end throughput and latency, next to the raw baseline",
    "",
    "Agents propose auto-approved actions of a mixed workload (40% update, 25% create, 25% notify, 10% link, over the tenant's items) through the real tRPC HTTP API; the raw baseline inserts the action and its audit row in one `pg` statement, enqueues with BullMQ, and a bare BullMQ worker updates a target row, saves its rollback data and an audit row and marks the action executed in one transaction. Fixed loads are an open loop (latency counts from each call's scheduled start); the first fifth of each run is warm-up and not counted. Propose → executed runs from the call's scheduled start (client clock) to the action's `executed_at` (stamped by the worker inside its transaction; same machine, same clock).",
    "",
    ...loadTable(results),
    "",
    "### 3. Approve → executed",
    "",
    "Actions proposed beforehand wait for a person; an approver key approves them one call each at a steady rate; time from the scheduled approve call to `executed_at`.",
    "",
    "| when | Leash approve call | Leash approve → executed | raw approve call | raw approve → executed | ratio p50 / p99 |",
    "| --- | --- | --- | --- | --- | --- |",
    approvalRow("low load", leash.approvalsAtLowLoad, raw.approvalsAtLowLoad),
    approvalRow(`while ${results.settings.approvalsUnderLoadRate}/s proposals run`, leash.approvalsUnderLoad, raw.approvalsUnderLoad),
    "",
    "### 4. Slack",
    "",
    ...("notMeasured" in results.slack
      ? [`Not measured: ${results.slack.notMeasured}.`]
      : [
          "Signed `block_actions` Approve clicks (HMAC-SHA256 with the signing secret, as Slack signs them) posted to the bot's HTTP receiver at a steady rate, at low load, once the bot has posted the actions' approval cards; the bot's Web API calls go to a local fake that answers at once. Ack is the HTTP answer (Bolt acks before the work); click → executed ends at `executed_at`. The baseline is the raw approve → executed at low load.",
          "",
          "| figure | Leash | raw baseline | ratio p50 / p99 |",
          "| --- | --- | --- | --- |",
          `| ack ms | ${dist(results.slack.ackMs)}, max ${fmt(results.slack.ackMs.max)} | | |`,
          `| click → executed ms | ${dist(results.slack.clickToExecutedMs)} | ${dist(raw.approvalsAtLowLoad.approveToExecutedMs)} | ${ratio(results.slack.clickToExecutedMs.p50, raw.approvalsAtLowLoad.approveToExecutedMs.p50)} / ${ratio(results.slack.clickToExecutedMs.p99, raw.approvalsAtLowLoad.approveToExecutedMs.p99)} |`,
          ...(results.slack.errors ? [``, `${results.slack.errors} clicks failed; the first: ${results.slack.firstError ?? ""}`] : []),
        ]),
    "",
    "### 5. Burst",
    "",
    `${leash.burst.size} approved actions (the mixed workload) stored and enqueued in one call; time from the enqueue to the last execution.`,
    "",
    "| pipeline | drain seconds p50 / p99 (n) | actions/s | not executed |",
    "| --- | --- | --- | --- |",
    `| Leash | ${dist(leash.burst.drainSeconds, 2)} | ${fmt(leash.burst.size / leash.burst.drainSeconds.p50, 0)} | ${leash.burst.notExecuted} |`,
    `| raw | ${dist(raw.burst.drainSeconds, 2)} | ${fmt(raw.burst.size / raw.burst.drainSeconds.p50, 0)} | ${raw.burst.notExecuted} |`,
    `| ratio Leash / raw | ${ratio(leash.burst.drainSeconds.p50, raw.burst.drainSeconds.p50)} | | |`,
    "",
    "### 6. History at scale",
    "",
    `${history.rows} actions in one tenant (inserted with \`generate_series\` in ${fmt(history.insertSeconds, 1)} s), 50 rows per page. Leash is \`action.list\` over HTTP with an admin key; raw is the same query on bare \`pg\`; the plan is Postgres' EXPLAIN ANALYZE of the raw query.`,
    "",
    "| filter | rows | Leash ms p50 / p99 (n) | raw ms p50 / p99 (n) | ratio p50 | plan |",
    "| --- | --- | --- | --- | --- | --- |",
    ...history.lists.map(
      (list) => `| ${list.label} | ${list.rows} | ${dist(list.leashMs)} | ${dist(list.rawMs, 2)} | ${ratio(list.leashMs.p50, list.rawMs.p50)} | ${list.plan.replaceAll("|", "\\|")} |`,
    ),
    "",
    exportCsv
      ? `CSV export of ${exportCsv.rows} rows (${fmt(exportCsv.bytes / 1024 ** 2, 1)} MB): ${fmt(exportCsv.seconds, 2)} s; API process RSS ${fmt(exportCsv.rssBeforeMb, 0)} MB before, peak ${fmt(exportCsv.peakRssMb, 0)} MB during. Raw (keyset pages on bare \`pg\`, formatted, nothing kept): ${fmt(exportCsv.rawSeconds, 2)} s.`
      : `CSV export: not measured: ${"notMeasured" in history.exportCsv ? history.exportCsv.notMeasured : ""}.`,
    "",
    ...httpSection(results.http),
    "",
    ...metricsSection(results.metrics),
    "",
    RESULTS_END,
  ];
  return lines.join("\n");
}
