import type { ApprovalResult } from "../scenarios/approvals.ts";
import { MAX_LAG_SECONDS, type LoadRunResult } from "../scenarios/load-run.ts";
import type { ProposeAndWaitResult } from "../scenarios/propose-and-wait.ts";
import type { ApiExportResult, ListResult } from "../scenarios/history.ts";
import { round, type Distribution } from "../stats.ts";
import type { HttpRunResult, HttpWorkloadResult } from "../scenarios/http-requests.ts";
import { INBOX_LOAD_TARGET_MS, type InboxResult, type Percentiles } from "../scenarios/inbox.ts";
import type { MetricsResult } from "../scenarios/metrics.ts";
import type { MicroResult } from "../scenarios/micro.ts";
import type { BenchResults, PipelineResults, ProfileResult } from "./results.ts";

/** The offered load the approvals under load run beside, and whose propose → executed latency is a target. */
export const APPROVALS_UNDER_LOAD_RATE = 300;

export const RESULTS_START = "<!-- bench:results:start (written by `pnpm bench`; edit outside these markers) -->";
export const RESULTS_END = "<!-- bench:results:end -->";

const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? String(round(value, digits)) : "n/a");
const dist = (value: Distribution, digits = 1) => `${fmt(value.p50, digits)} / ${fmt(value.p99, digits)} (n=${value.n})`;
const ratio = (leash: number, raw: number) => (Number.isFinite(leash) && Number.isFinite(raw) && raw > 0 ? `${fmt(leash / raw, 2)}x` : "n/a");
const verdict = (ok: boolean | null) => (ok === null ? "not measured" : ok ? "met" : "**not met**");
/** How long the worker took to seal a bulk fill's events, which the harness waited for before measuring (runs before 2026-12-06T11:28Z did not wait). */
const sealing = (seconds: number | null | undefined) =>
  seconds === undefined ? "" : seconds === null ? "; no worker ran, so its events stayed unsealed" : `; the harness then waited ${fmt(seconds, 1)} s, outside the measured time, for the worker's audit sealer to link them into the tenant's hash chain, as a live system does while they come`;
const percent = (share: number) => `${fmt(share * 100, 0)}%`;

/**
 * Executed actions per second the pipeline sustains: the median per-second rate of its saturation
 * run, measured the same way for both pipelines (closed loop, the same agents, one worker process).
 */
export function sustainedRate(pipeline: PipelineResults): number {
  return pipeline.saturation.executedPerSecond.p50;
}

/** CPU ms per action of the pipeline's own processes (the load generator apart). */
export const totalCpu = (run: LoadRunResult) => Object.values(run.cpuMsPerAction).reduce((sum, ms) => sum + ms, 0);

const cpu = (run: LoadRunResult) =>
  Object.entries(run.cpuMsPerAction)
    .map(([name, ms]) => `${name} ${fmt(ms, 2)}`)
    .join(", ");

/** How busy the whole machine was over a run, and how much of it the hypervisor gave to other guests. */
const machineBusy = (run: LoadRunResult) => (run.machineCpu ? `${percent(run.machineCpu.busy)} busy, ${percent(run.machineCpu.steal)} stolen` : "not measured");

function loadLabel(run: LoadRunResult): string {
  const workers = run.workers > 1 ? `, ${run.workers} workers` : "";
  if (run.offeredPerSecond === null) return `saturation (${run.agents ?? 0} agents, closed loop${workers})`;
  return `${run.offeredPerSecond}/s offered${run.stoppedAfterSeconds !== null ? ` (**not sustained**: stopped after ${fmt(run.stoppedAfterSeconds)} s, over ${MAX_LAG_SECONDS} s or 512 calls behind)` : ""}`;
}

const saturationRuns = (pipeline: PipelineResults) => [pipeline.saturation, ...(pipeline.saturationWithWorkers ? [pipeline.saturationWithWorkers] : [])];

function loadTable(results: BenchResults): string[] {
  const rows = [
    "| load | pipeline | proposed (errors) | executed/s median / p99 of per-second counts | sustained/s incl. drain | backlog window start → load end, drain | propose call ms p50 / p99 | propose → executed ms p50 / p99 | seen late by at most, ms p50 / p99 | CPU ms per action | machine's CPU |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  const rawSaturation = saturationRuns(results.raw);
  const pairs = [
    ...results.leash.fixedLoads.map((run, index) => [run, results.raw.fixedLoads[index]] as const),
    ...saturationRuns(results.leash).map((run, index) => [run, rawSaturation[index]] as const),
  ];
  for (const [leash, raw] of pairs) {
    for (const [name, run] of [["Leash", leash], ["raw", raw]] as const) {
      if (!run) continue;
      rows.push(
        `| ${loadLabel(run)} | ${name} | ${run.proposed} (${run.errors}${run.notExecuted ? `, ${run.notExecuted} not executed` : ""}) | ${dist(run.executedPerSecond, 0)} | ${fmt(run.sustainedPerSecond, 0)} | ${run.backlogAtWindowStart} → ${run.backlogAtLoadEnd}, ${fmt(run.drainMs / 1000, 1)} s | ${dist(run.proposeLatencyMs)} | ${dist(run.proposeToExecutedMs)} | ${fmt(run.lateByAtMostMs.p50)} / ${fmt(run.lateByAtMostMs.p99)} | ${cpu(run)} | ${machineBusy(run)} |`,
      );
    }
    if (raw) {
      rows.push(
        `| | ratio Leash / raw | | ${ratio(leash.executedPerSecond.p50, raw.executedPerSecond.p50)} | ${ratio(leash.sustainedPerSecond, raw.sustainedPerSecond)} | | ${ratio(leash.proposeLatencyMs.p50, raw.proposeLatencyMs.p50)} / ${ratio(leash.proposeLatencyMs.p99, raw.proposeLatencyMs.p99)} | ${ratio(leash.proposeToExecutedMs.p50, raw.proposeToExecutedMs.p50)} / ${ratio(leash.proposeToExecutedMs.p99, raw.proposeToExecutedMs.p99)} | | ${ratio(totalCpu(leash), totalCpu(raw))} in all | |`,
      );
    }
  }
  return rows;
}

/** Saturation runs in detail: what PostgreSQL did per action, and whether the load generator could have been the limit. */
function saturationDetail(results: BenchResults): string[] {
  const row = (name: string, run: LoadRunResult) =>
    `| ${name} | ${run.workers} | ${fmt(run.executedPerSecond.p50, 0)} | ${fmt(totalCpu(run), 2)} | ${percent(run.generatorBusy)} | ${fmt(run.postgresPerAction.walFlushes, 2)} | ${fmt(run.postgresPerAction.walRecords, 1)} | ${fmt(run.postgresPerAction.walBytes / 1024, 1)} | ${fmt(run.postgresPerAction.rowsWritten, 1)} |`;
  return [
    "| pipeline | worker processes | executed/s median | CPU ms per action (pipeline's processes) | load generator busy | WAL flushes per action | WAL records per action | WAL KiB per action | rows written per action |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...saturationRuns(results.leash).map((run) => row("Leash", run)),
    ...saturationRuns(results.raw).map((run) => row("raw", run)),
  ];
}

/** Every load run of both pipelines: the write system calls each process made per action, beside its CPU time per action. */
function writesTable(results: BenchResults): string[] {
  const row = (name: string, run: LoadRunResult) => {
    const writes = run.writesPerAction;
    const cells = writes
      ? Object.entries(writes).map(([process, count]) => `${process} ${fmt(count, 1)} (${fmt(run.cpuMsPerAction[process] ?? Number.NaN, 2)} ms)`).join(", ")
      : "not counted in this run";
    return `| ${loadLabel(run)} | ${name} | ${cells} |`;
  };
  return [
    "| load | pipeline | write system calls per action, by process (CPU ms per action) |",
    "| --- | --- | --- |",
    ...[...results.leash.fixedLoads, ...saturationRuns(results.leash)].map((run) => row("Leash", run)),
    ...[...results.raw.fixedLoads, ...saturationRuns(results.raw)].map((run) => row("raw", run)),
  ];
}

/** One row of the targets table; `met` null when the run could not measure it. */
interface Target {
  label: string;
  measured: string;
  raw: string;
  met: boolean | null;
}

const noDistribution: Distribution = { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };

/** The targets of issue 16 (and the earlier ones still held), each judged from the figures of this run. */
export function targets(results: BenchResults): Target[] {
  const { leash, raw, history } = results;
  const sustained = sustainedRate(leash);
  const rawSustained = sustainedRate(raw);
  const at300 = leash.fixedLoads.find((run) => run.offeredPerSecond === APPROVALS_UNDER_LOAD_RATE);
  const rawAt300 = raw.fixedLoads.find((run) => run.offeredPerSecond === APPROVALS_UNDER_LOAD_RATE);
  const cpuRatio = totalCpu(leash.saturation) / totalCpu(raw.saturation);
  const underLoad = leash.approvalsUnderLoad;
  const underLoadValid = underLoad.underLoad?.valid ?? false;
  const worstListP99 = Math.max(...history.lists.map((list) => list.leashMs.p99));
  const exportCsv = "notMeasured" in history.exportCsv ? null : history.exportCsv;
  const freshExport = history.exportCsvFreshApi;
  const paw = results.proposeAndWait;
  const month = results.metrics?.calls.find((call) => call.label === "month");
  const inbox = results.inbox;
  return [
    { label: "sustained end-to-end throughput >= 600/s", measured: `${fmt(sustained, 0)}/s`, raw: `${fmt(rawSustained, 0)}/s`, met: sustained >= 600 },
    { label: "sustained throughput >= 0.5x raw", measured: ratio(sustained, rawSustained), raw: "1x", met: sustained >= 0.5 * rawSustained },
    { label: "CPU per action at saturation <= 2x raw", measured: `${fmt(totalCpu(leash.saturation), 2)} ms (${fmt(cpuRatio, 2)}x)`, raw: `${fmt(totalCpu(raw.saturation), 2)} ms`, met: cpuRatio <= 2 },
    {
      label: `propose → executed at ${APPROVALS_UNDER_LOAD_RATE}/s: p50 <= 10 ms, p99 <= 100 ms`,
      measured: at300
        ? `${dist(at300.proposeToExecutedMs)}${at300.stoppedAfterSeconds !== null ? ", load not sustained" : ""}; machine's CPU ${machineBusy(at300)}`
        : "not run",
      raw: rawAt300 ? `${dist(rawAt300.proposeToExecutedMs)}; machine's CPU ${machineBusy(rawAt300)}` : dist(noDistribution),
      met: at300 ? at300.stoppedAfterSeconds === null && at300.proposeToExecutedMs.p50 <= 10 && at300.proposeToExecutedMs.p99 <= 100 : null,
    },
    { label: "approve → executed at low load: p99 <= 50 ms", measured: dist(leash.approvalsAtLowLoad.approveToExecutedMs), raw: dist(raw.approvalsAtLowLoad.approveToExecutedMs), met: leash.approvalsAtLowLoad.approveToExecutedMs.p99 <= 50 },
    {
      label: `approve → executed while ${APPROVALS_UNDER_LOAD_RATE}/s proposals run: p99 <= 50 ms`,
      measured: `${dist(underLoad.approveToExecutedMs)}${underLoadValid ? "" : ", not all under load"}`,
      raw: dist(raw.approvalsUnderLoad.approveToExecutedMs),
      met: underLoadValid ? underLoad.approveToExecutedMs.p99 <= 50 : null,
    },
    {
      label: `${leash.burst.size}-action burst drained in <= 15 s`,
      measured: `${fmt(leash.burst.drainSeconds.p50, 2)} s`,
      raw: `${fmt(raw.burst.drainSeconds.p50, 2)} s`,
      met: leash.burst.size === 10_000 ? leash.burst.drainSeconds.p50 <= 15 : null,
    },
    paw
      ? {
          label: "proposeAndWait answers within 10 ms (p50) / 30 ms (p99) of the commit",
          measured: `${dist(paw.answerAfterCommitMs)} (+ at most ${fmt(paw.lateByAtMostMs.p99)})`,
          raw: "",
          met: paw.samples > 0 && paw.answerAfterCommitMs.p50 <= 10 && paw.answerAfterCommitMs.p99 <= 30,
        }
      : { label: "proposeAndWait answers within 10 ms (p50) / 30 ms (p99) of the commit", measured: "not measured", raw: "", met: null },
    "notMeasured" in results.slack
      ? { label: "Slack ack p99 <= 20 ms", measured: "not measured", raw: "", met: null }
      : { label: "Slack ack p99 <= 20 ms", measured: `${dist(results.slack.ackMs)}, max ${fmt(results.slack.ackMs.max)}`, raw: "", met: results.slack.ackMs.p99 <= 20 },
    { label: `history list p99 <= 50 ms for every filter (${history.rows} rows)`, measured: `worst p99 ${fmt(worstListP99)} ms`, raw: "", met: worstListP99 <= 50 },
    exportCsv
      ? {
          label: `${exportCsv.rows}-row CSV export, peak RSS growth < 100 MB`,
          measured: `${fmt(growthMb(exportCsv), 0)} MB growth, ${fmt(exportCsv.seconds, 2)} s${freshExport ? `; on an API started for it ${fmt(growthMb(freshExport), 0)} MB, ${fmt(freshExport.seconds, 2)} s` : ""}`,
          raw: `${fmt(exportCsv.rawSeconds, 2)} s`,
          met: Math.max(growthMb(exportCsv), freshExport ? growthMb(freshExport) : 0) < 100,
        }
      : { label: "CSV export, peak RSS growth < 100 MB", measured: "not measured", raw: "", met: null },
    month && results.metrics
      ? { label: `metrics.summary for a month p50 < ${METRICS_MONTH_TARGET_MS} ms (${results.metrics.rows} actions)`, measured: dist(month.ms), raw: "", met: month.ms.p50 < METRICS_MONTH_TARGET_MS }
      : { label: `metrics.summary for a month p50 < ${METRICS_MONTH_TARGET_MS} ms`, measured: "not measured", raw: "", met: null },
    inbox
      ? {
          label: `inbox of ${inbox.pending.total} pending actions loaded and hydrated in Chromium: p95 < ${INBOX_LOAD_TARGET_MS} ms`,
          measured: `p50 ${fmt(inbox.browser.loadedMs.p50, 0)} / p95 ${fmt(inbox.browser.loadedMs.p95, 0)} ms (n=${inbox.browser.loadedMs.n})`,
          raw: "",
          met: inbox.browser.loadedMs.p95 < INBOX_LOAD_TARGET_MS,
        }
      : { label: `inbox loaded and hydrated in Chromium: p95 < ${INBOX_LOAD_TARGET_MS} ms`, measured: "not measured", raw: "", met: null },
  ];
}

/** The sentences that sum the targets up, written from the same rows as the table so they cannot disagree with it. */
function verdictSentences(results: BenchResults, rows: readonly Target[]): string[] {
  const met = rows.filter((row) => row.met === true);
  const missed = rows.filter((row) => row.met === false);
  const unmeasured = rows.filter((row) => row.met === null);
  const leash = sustainedRate(results.leash);
  const raw = sustainedRate(results.raw);
  const lines = [
    `Leash sustained ${fmt(leash, 0)} executed actions/s at saturation against ${fmt(raw, 0)}/s for the raw baseline (${ratio(leash, raw)}), both measured the same way: ${results.settings.saturationAgents} agents each waiting for its action to execute, one worker process.`,
  ];
  const withWorkers = results.leash.saturationWithWorkers;
  const rawWithWorkers = results.raw.saturationWithWorkers;
  if (withWorkers && rawWithWorkers) {
    lines.push(
      `With ${withWorkers.workers} worker processes: Leash ${fmt(withWorkers.executedPerSecond.p50, 0)}/s (${ratio(withWorkers.executedPerSecond.p50, leash)} of one worker's), raw ${fmt(rawWithWorkers.executedPerSecond.p50, 0)}/s (${ratio(rawWithWorkers.executedPerSecond.p50, raw)} of one worker's).`,
    );
  }
  lines.push(
    `${met.length} of ${rows.length} targets met${missed.length ? `; not met: ${missed.map((row) => row.label).join("; ")}` : ""}${unmeasured.length ? `; not measured in this run: ${unmeasured.map((row) => row.label).join("; ")}` : ""}.`,
  );
  if (missed.length) lines.push("Where the time goes at saturation, for the targets out of reach: section 9 (CPU profiles of the API and the worker) and the saturation detail under section 1 + 2 (PostgreSQL's work per action).");
  return [lines.join(" ")];
}

const underLoadNote = (approvals: ApprovalResult) => {
  const check = approvals.underLoad;
  if (!check) return "";
  return `${check.executedWhileLoadRan} of ${approvals.samples} executed while the load ran${check.valid ? "" : " (**not all under load**)"}; load window ${check.loadWindowSeconds.join("–")} s, approvals ${check.approvalsSeconds.join("–")} s`;
};

function approvalRow(label: string, leash: ApprovalResult, raw: ApprovalResult): string {
  return `| ${label} | ${dist(leash.approveCallMs)} | ${dist(leash.approveToExecutedMs)} | ${underLoadNote(leash)} | ${dist(raw.approveCallMs)} | ${dist(raw.approveToExecutedMs)} | ${underLoadNote(raw)} | ${ratio(leash.approveToExecutedMs.p50, raw.approveToExecutedMs.p50)} / ${ratio(leash.approveToExecutedMs.p99, raw.approveToExecutedMs.p99)} |`;
}

/** At low load the first approvals are sent and not counted, as a fixed load's first fifth: what they took is said here. */
function approvalWarmupNote(leash: ApprovalResult, raw: ApprovalResult): string[] {
  if (!leash.warmup || !raw.warmup) return [];
  const took = (warmup: NonNullable<ApprovalResult["warmup"]>) => `p50 ${fmt(warmup.approveToExecutedMs.p50)} ms, the slowest ${fmt(warmup.approveToExecutedMs.max)} ms`;
  return [
    "",
    `At low load, ${leash.warmup.samples} approvals of each pipeline came first and are not counted, as the first fifth of a fixed load is not: the first approvals a freshly started stack serves pay for its cold code paths once. Their approve → executed: Leash ${took(leash.warmup)}; raw ${took(raw.warmup)}.`,
  ];
}

function proposeAndWaitSection(paw: ProposeAndWaitResult | undefined): string[] {
  if (!paw) return ["### 4b. proposeAndWait", "", "Not measured in this run."];
  return [
    "### 4b. proposeAndWait",
    "",
    `${paw.agents} agents call \`action.proposeAndWait\` for auto-approved actions of the mixed workload, one call at a time each, at low load. The harness watches each action by its reason (known before the call) with the same poll as everywhere else. "After the commit" runs from the first poll that saw the action executed to the agent receiving the answer; the commit came up to one poll period earlier (the last column), so the time from the commit to the answer lies between the figure and the figure plus that period. It is measured at the client, on the same machine: the API's own send time is not observable without instrumenting it.`,
    "",
    "| calls (errors) | whole call ms p50 / p99 | answer after the commit ms p50 / p99 | seen late by at most, ms p50 / p99 |",
    "| --- | --- | --- | --- |",
    `| ${paw.samples} (${paw.errors}) | ${dist(paw.callMs)} | ${dist(paw.answerAfterCommitMs)} | ${fmt(paw.lateByAtMostMs.p50)} / ${fmt(paw.lateByAtMostMs.p99)} |`,
    ...(paw.errors ? ["", `First error: ${paw.firstError ?? ""}`] : []),
  ];
}

/** The calls of each filter that came first and were not counted, when the run made any: their slowest, per pipeline. */
function listWarmupSentence(lists: readonly ListResult[]): string[] {
  const warmed = lists.flatMap((list) => (list.warmup ? [{ label: list.label, ...list.warmup }] : []));
  const [first] = warmed;
  if (!first) return [];
  const slowest = (pick: (entry: (typeof warmed)[number]) => number) => {
    const entry = warmed.reduce((worst, candidate) => (pick(candidate) > pick(worst) ? candidate : worst), first);
    return `${fmt(pick(entry))} ms (${entry.label})`;
  };
  return [
    `Each filter's first ${first.calls} calls through each pipeline came first and are not counted, as the first approvals at low load are not: the first calls a stack serves with a filter pay once for its cold code paths and pages. The slowest of them: Leash ${slowest((entry) => entry.leashMs.max)}, raw ${slowest((entry) => entry.rawMs.max)}.`,
    "",
  ];
}

function microSection(micro: MicroResult[] | undefined, mail: MicroResult[] | undefined): string[] {
  if (!micro) return ["### 10. Micro-benchmarks", "", "Not measured in this run."];
  const table = (calls: MicroResult[]) => [
    "| call | calls | CPU ms per call | wall ms p50 / p99 |",
    "| --- | --- | --- | --- |",
    ...calls.map((call) => `| ${call.label} | ${call.calls} | ${fmt(call.cpuMsPerCall, 3)} | ${fmt(call.wallMs.p50, 2)} / ${fmt(call.wallMs.p99, 2)} |`),
  ];
  return [
    "### 10. Micro-benchmarks",
    "",
    "One call at a time in the harness's own process, against the benchmark's database after every other section: Prisma's client as packages/db builds it (driver adapter, named statements) beside bare `pg` doing the same. CPU is the harness process's user + system time per call (PostgreSQL's is not counted).",
    "",
    ...table(micro),
    ...(mail
      ? [
          "",
          "Email, one message at a time to a local SMTP server (smtp-server, in the harness's process, so the CPU is both ends'): a new connection per message, as nodemailer sends by default and Leash did before it pooled them, against Leash's email sender. smtp-server waits a tenth of a second before greeting a new connection, as servers that screen early talkers do.",
          "",
          ...table(mail),
        ]
      : []),
  ];
}

function profileSection(profile: ProfileResult | undefined): string[] {
  if (!profile) return ["### 9. Where the time goes", "", "Not measured in this run."];
  const { run } = profile;
  const lines = [
    "### 9. Where the time goes",
    "",
    `A saturation run of its own (${run.agents ?? 0} agents, ${fmt(run.durationSeconds, 0)} s), after every other section, with the API and the worker started under \`node --cpu-prof\` (their profiles stay in \`bench/results/profiles/\`): ${fmt(run.executedPerSecond.p50, 0)} executed/s (the profiler costs a little), CPU ms per action ${cpu(run)}. Self time of each process's main thread from the load's start to its exit, as a share of its busy (not idle) time. PostgreSQL's per-statement statistics (\`pg_stat_statements\`) need the module preloaded at server start, which this machine's server does not do; its work per action is in the saturation detail under section 1 + 2.`,
  ];
  for (const summary of profile.processes) {
    lines.push(
      "",
      `${summary.process}: busy ${fmt(summary.busyMs / 1000, 1)} s of ${fmt(summary.profiledMs / 1000, 1)} s.`,
      "",
      "| module | share | function (module) | share |",
      "| --- | --- | --- | --- |",
      ...Array.from({ length: Math.max(summary.topModules.length, summary.topFunctions.length) }, (_, index) => {
        const module = summary.topModules[index];
        const fn = summary.topFunctions[index];
        return `| ${module ? `\`${module.name}\`` : ""} | ${module ? percent(module.share) : ""} | ${fn ? `\`${fn.name}\` (${fn.module})` : ""} | ${fn ? percent(fn.share) : ""} |`;
      }),
    );
  }
  return lines;
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
    `${http.concurrency} agents propose auto-approved \`http\` actions (\`POST /invoices\` with a small JSON body through a connector allowing the private network) over the API, each waiting for its action to execute before proposing the next (the harness learns it from the poll described above; latency runs from the propose call's start to the poll that saw the action executed). The worker sends each request signed (Standard Webhooks) with its \`Idempotency-Key\`, on a connection of its own (connectors pin the address they checked, so they do not reuse connections), and records the answer. The raw baseline, in the same run, is ${http.concurrency} loops of \`fetch\` (keep-alive) to the same receiver, a process of its own that answers 201 at once. ${http.durationSeconds} s each, the first ${fmt(http.warmupSeconds, 0)} s not counted.`,
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

function metricsSection(metrics: MetricsResult | undefined): string[] {
  if (!metrics) return ["### 8. Metrics", "", "Not measured in this run."];
  return [
    "### 8. Metrics",
    "",
    `${metrics.alone ? `Measured on its own (\`pnpm bench --only metrics\`) at ${metrics.measuredAt}, not in the run above; load average ${metrics.loadAverage.join(" / ")} (1/5/15 min) when it started. ` : ""}${metrics.rows} actions in one tenant, proposed evenly over the last ${metrics.days} days (inserted with \`generate_series\`, with their \`proposed\` and \`expired\` events, in ${fmt(metrics.insertSeconds, 1)} s${sealing(metrics.sealSeconds)}): 60% auto-approved, about 93% executed (3% of those rolled back), 3% failed, 4% rejected, 1% cancelled; the last two days' proposals that would have expired are still pending. \`metrics.summary\` over HTTP with a viewer key, one call at a time, in the table's order. Each input's first call summarises the hours and days that are over which it needs and the inputs above it had not summarised yet, and stores them (\`action_metrics_period\`): the month's first call is what a busy tenant's first visit costs. The calls after it read those summaries, plus the current hour's actions, the actions still in flight and the rolled-back ones from their rows.`,
    ...(metrics.atRest
      ? [
          "",
          `At rest on this database, after the fill was sealed and vacuumed, for ${metrics.atRest.seconds} s in which nothing was proposed (the worker's reconciler, sweeps and sealer run on their timers), CPU ms per second: ${Object.entries(metrics.atRest.cpuMsPerSecond).map(([name, ms]) => `${name} ${fmt(ms, 1)}`).join(", ")}.`,
        ]
      : []),
    "",
    "| input | first call ms | then ms p50 / p99 (n) |",
    "| --- | --- | --- |",
    ...metrics.calls.map((call) => `| ${call.label} | ${fmt(call.firstMs, 0)} | ${dist(call.ms)} |`),
    "",
    `The month's answer counted ${metrics.monthProposed} proposed actions.`,
  ];
}

const percentilesRow = (label: string, value: Percentiles) => `| ${label} | ${fmt(value.p50, 0)} | ${fmt(value.p95, 0)} | ${fmt(value.p99, 0)} | ${value.n} |`;

function inboxSection(inbox: InboxResult | undefined): string[] {
  if (!inbox) return ["### 8b. Inbox", "", "Not measured in this run."];
  const { pending, server, browser } = inbox;
  const kib = (bytes: number) => `${fmt(bytes / 1024, 0)} KiB`;
  return [
    "### 8b. Inbox",
    "",
    `${inbox.alone ? `Measured on its own (\`pnpm bench --only inbox\`) at ${inbox.measuredAt}, not in the run above; load average ${inbox.loadAverage.join(" / ")} (1/5/15 min) when it started. ` : ""}One tenant with ${inbox.historyRows} decided actions (spread over 90 days, each with its events) and ${pending.total} pending ones an agent key proposed through the API, interleaved: ${pending.templateRunSteps} steps of template runs (three steps each), ${pending.quorumOfTwo} project updates a policy makes wait for two approvals, ${pending.irreversible} that cannot be rolled back (permanent deletes and notifications, template steps among them), the rest plain updates, creates, links, soft deletes and reminders (filled in ${fmt(inbox.fillSeconds, 1)} s${sealing(inbox.sealSeconds)}). The console is built (\`react-router build\`) and served by its own server (\`apps/web/server/main.ts\`, production mode) as \`pnpm start\` runs it; an approver signs in through the form. Server: \`GET /\` with the session cookie, one request at a time, timed to the last byte of the HTML. Browser: headless Chromium, its cache warm, without the omnibox popup that headless Chromium otherwise starts for every new tab in a renderer of its own (\`--disable-features=WebUIOmniboxPopup,...\`; a desktop browser starts it once, and runs before 2026-12-06T10:00Z paid it in every load, about 300 ms of the floor's p50 when measured), opens \`/\` in a new tab; a load runs from navigation start to the first animation frame at which the page is hydrated and shows the rows the server rendered (the list renders its first rows at once and the rest as the reader scrolls or moves down; the HTML must say it lists all ${pending.total}); the same load then scrolls the page to its end on every frame until every row is rendered, timed from the same start. ${inbox.warmup} requests and ${inbox.warmup} loads came first and are not counted.`,
    "",
    "| figure, ms | p50 | p95 | p99 | n |",
    "| --- | --- | --- | --- | --- |",
    percentilesRow("`GET /`, whole HTML", server.ms),
    percentilesRow("browser: document received (`responseEnd`)", browser.responseEndMs),
    ...(browser.firstContentfulPaintMs ? [percentilesRow("browser: first contentful paint (the server's rows on screen, no script run yet)", browser.firstContentfulPaintMs)] : []),
    percentilesRow("browser: `DOMContentLoaded` ended", browser.domContentLoadedMs),
    percentilesRow("browser: hydrated, the server's rows shown", browser.loadedMs),
    percentilesRow("browser: scrolled to the end, every row rendered", browser.everyRowMs),
    ...(inbox.floor ? [percentilesRow(`floor: \`${inbox.floor.path}\` (little data) loaded the same way to hydrated`, inbox.floor.loadedMs)] : []),
    "",
    ...(inbox.floor
      ? [
          `The floor is what any console page costs on this machine (React and React Router evaluated and hydrated in a new tab): the inbox's own cost is the difference, p50 ${fmt(browser.loadedMs.p50 - inbox.floor.loadedMs.p50, 0)} ms.`,
          "",
        ]
      : []),
    `The HTML is ${kib(server.htmlBytes)} (${kib(server.gzipBytes)} gzipped, as the server sends it), ${kib(server.inlineScriptBytes)} of it inline scripts (the loader data the page hydrates from); rows in the HTML ${server.rows} of the ${server.listed} it lists, on the hydrated page ${browser.rows}.`,
  ];
}

/** A measured-looking figure: a number with a unit of time, rate, size or ratio. */
const FIGURE = /(?<![\w.-])\d[\d,.]*\s?(?:ms|µs|s|\/s|x|%|[KMG]i?B)(?![\w/])/g;

/**
 * Figures in the hand-written text of BENCHMARKS.md (outside the generated block), by line: there
 * should be none, since nothing measured is typed by hand.
 */
export function typedFigures(document: string): string[] {
  const start = document.indexOf(RESULTS_START);
  const end = document.indexOf(RESULTS_END);
  const outside = start >= 0 && end > start ? `${document.slice(0, start)}${document.slice(end + RESULTS_END.length)}` : document;
  return outside.split("\n").flatMap((line) => {
    const found = line.match(FIGURE);
    return found ? [`${found.join(", ")}: ${line.trim().slice(0, 120)}`] : [];
  });
}

/** How much the API's resident memory grew at the export's peak. */
function growthMb(exported: ApiExportResult): number {
  return exported.peakRssMb - exported.rssBeforeMb;
}

/** The generated part of BENCHMARKS.md: machine, versions, targets and every scenario next to the raw baseline. */
export function renderResults(results: BenchResults): string {
  const { machine, leash, raw, history } = results;
  const exportCsv = "notMeasured" in history.exportCsv ? null : history.exportCsv;
  const targetRows = targets(results);
  const passed = Object.entries(results.settings.passedThrough);
  const lines = [
    RESULTS_START,
    "",
    `Run: ${results.startedAt} (${results.mode} run, ${fmt(results.durationSeconds / 60, 1)} min), \`pnpm bench${results.mode === "quick" ? " --quick" : ""}${results.settings.workers > 1 ? ` --workers ${results.settings.workers}` : ""}\`; its results are \`bench/results/${results.startedAt.replaceAll(":", "-")}-${results.mode}.json\`.`,
    "",
    ...(machine.code ? [`Code: commit \`${machine.code.commit}\`${machine.code.uncommitted ? ", with uncommitted changes to the apps, packages or harness" : ""}.`, ""] : []),
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, shared by Postgres, Redis, the API, the worker and the load generator; load average ${machine.loadAverage.join(" / ")} (1/5/15 min) when the run started.`,
    `Versions: Node ${machine.node}, PostgreSQL ${machine.postgres} (${Object.entries(machine.postgresSettings).map(([name, value]) => `${name}=${value}`).join(", ")}), Redis ${machine.redis}; ${Object.entries(machine.packages).map(([name, version]) => `${name} ${version}`).join(", ")}.`,
    ...(machine.postgresSettings.autovacuum === "off"
      ? ["PostgreSQL runs here with `autovacuum=off`, which no production server would: the harness stands in for the daemon with a `VACUUM (ANALYZE)` of its database before each measured run of either pipeline and after each bulk fill, outside the measured time, followed by a `CHECKPOINT` (since the run of 2026-12-06T11:40Z), so that what the fill dirtied is written before the measured run and not during it. Without it the planner takes the freshly filled tables for empty ones (runs before 2026-12-05T10:00Z were measured that way, which cost Leash, whose execution statement walked a tenant's whole index per action, far more than the baseline)."]
      : []),
    `Leash settings: worker concurrency ${results.settings.workerConcurrency}, DB pool ${results.settings.dbPoolSize} per process, ${results.settings.agentKeys} agent keys${passed.length ? `; given to the apps: ${passed.map(([name, value]) => `${name}=${value}`).join(", ")}` : ""}.`,
    "",
    ...verdictSentences(results, targetRows),
    "",
    "Every latency is `p50 / p99 (n=samples)` in milliseconds (p50 is the median); ratios are Leash / raw (above 1x: Leash is slower for latencies, faster for rates). An action counts as executed when the harness sees it so: one connection of the harness polls the pipeline's table for the actions it started, the same way for both pipelines, and an action's time is the send time of the first poll that returned it as executed, so a commit is seen late by at most one poll period (reported beside each figure; the period grows with the number of actions watched, so that watching a backlog does not load PostgreSQL). Neither pipeline's own `executed_at` is used. Sustained throughput is the median executed/s (one sample per second, warm-up excluded) of the saturation run, measured the same way for both pipelines: a closed loop of the same number of agents, each proposing and waiting until its action is seen executed, so neither pipeline's rate is capped by the harness and the backlog stays bounded. CPU ms per action is user + system time of each process (from /proc) over the whole run, drain included, divided by the actions executed (PostgreSQL's and Redis' figures include whatever else used the shared servers meanwhile). The raw baseline's producer runs inside the load generator, whose CPU is not counted for either pipeline; its share of a core is in the saturation detail. The machine's CPU is the share of all its cores' time, over the same span, that went to running anything (the harness included), and the share the hypervisor gave to other guests while this machine had work (steal, from /proc/stat): a load that keeps the cores busy makes every hop of a request wait for one, and a host busy elsewhere shows as steal.",
    "",
    "### Targets",
    "",
    "| target | measured | raw baseline | verdict |",
    "| --- | --- | --- | --- |",
    ...targetRows.map((row) => `| ${row.label} | ${row.measured} | ${row.raw} | ${verdict(row.met)} |`),
    "",
    "### 1 + 2. End-to-end throughput and latency, next to the raw baseline",
    "",
    "Agents propose auto-approved actions of a mixed workload (40% update, 25% create, 25% notify, 10% link, over the tenant's items) through the real tRPC HTTP API; the raw baseline inserts the action and its audit row in one `pg` statement, enqueues with BullMQ, and a bare BullMQ worker updates a target row, saves its rollback data and an audit row and marks the action executed in one transaction. Fixed loads are an open loop (latency counts from each call's scheduled start); the first fifth of each run is warm-up and not counted. Saturation is the closed loop described above. Propose → executed runs from the call's scheduled start to the poll that saw the action executed (both on the harness's clock).",
    "",
    ...loadTable(results),
    "",
    "Saturation in detail: PostgreSQL's counters (`pg_stat_database` for the rows written in the benchmark's database; `pg_stat_wal` for the WAL, the whole server's, so other work on it counts too) read at the start and at the end of the measured window, per action executed in between; the load generator's CPU time over the run as a share of one core.",
    "",
    ...saturationDetail(results),
    "",
    "Write system calls (`syscw` in `/proc/<pid>/io`, every thread) per action executed, over each whole run. It counts `write` and `writev`, which Node and Redis use on their sockets: each statement a Node process sends to PostgreSQL, each Redis command or reply and each HTTP answer is one. It does not count `send`, with which PostgreSQL answers its clients, so PostgreSQL's figure is its WAL and other file writes and its wake-ups of its own processes. The raw baseline's inserts and enqueues are made by the load generator, which is not counted for either pipeline; Leash's generator only sends HTTP requests.",
    "",
    ...writesTable(results),
    "",
    "### 3. Approve → executed",
    "",
    `Actions proposed beforehand wait for a person; an approver key approves them one call each at a steady rate; time from the scheduled approve call to the poll that saw the action executed. Under load, the approvals start after the load's warm-up and are all sent within 70% of its measured window; the harness checks that each approved action was seen executed before the load's last proposal was sent, and says so in the row. Both pipelines enqueue an approved action ahead of the jobs already waiting (BullMQ's \`lifo\`; Leash does so for every action that waited for a decision), and the load's jobs behind it.`,
    "",
    "| when | Leash approve call | Leash approve → executed | Leash under load | raw approve call | raw approve → executed | raw under load | ratio p50 / p99 |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    approvalRow("low load", leash.approvalsAtLowLoad, raw.approvalsAtLowLoad),
    approvalRow(`while ${results.settings.approvalsUnderLoadRate}/s proposals run`, leash.approvalsUnderLoad, raw.approvalsUnderLoad),
    ...approvalWarmupNote(leash.approvalsAtLowLoad, raw.approvalsAtLowLoad),
    "",
    "### 4. Slack",
    "",
    ...("notMeasured" in results.slack
      ? [`Not measured: ${results.slack.notMeasured}.`]
      : [
          "Signed `block_actions` Approve clicks (HMAC-SHA256 with the signing secret, as Slack signs them) posted to the bot's HTTP receiver at a steady rate, at low load, once the bot has posted the actions' approval cards; the bot's Web API calls go to a local fake that answers at once. Ack is the HTTP answer (Bolt acks before the work); click → executed ends at the poll that saw the action executed. The baseline is the raw approve → executed at low load.",
          "",
          "| figure | Leash | raw baseline | ratio p50 / p99 |",
          "| --- | --- | --- | --- |",
          `| ack ms | ${dist(results.slack.ackMs)}, max ${fmt(results.slack.ackMs.max)} | | |`,
          `| click → executed ms | ${dist(results.slack.clickToExecutedMs)} | ${dist(raw.approvalsAtLowLoad.approveToExecutedMs)} | ${ratio(results.slack.clickToExecutedMs.p50, raw.approvalsAtLowLoad.approveToExecutedMs.p50)} / ${ratio(results.slack.clickToExecutedMs.p99, raw.approvalsAtLowLoad.approveToExecutedMs.p99)} |`,
          ...(results.slack.warmup
            ? [
                "",
                `${results.slack.warmup.samples} clicks came first and are not counted, as the first approvals at low load are not; their ack: p50 ${fmt(results.slack.warmup.ackMs.p50)} ms, the slowest ${fmt(results.slack.warmup.ackMs.max)} ms.`,
              ]
            : []),
          ...(results.slack.errors ? [``, `${results.slack.errors} clicks failed; the first: ${results.slack.firstError ?? ""}`] : []),
        ]),
    "",
    ...proposeAndWaitSection(results.proposeAndWait),
    "",
    "### 5. Burst",
    "",
    `${leash.burst.size} approved actions (the mixed workload) stored and enqueued in one call; time from the enqueue to the poll that saw the last one executed.`,
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
    ...listWarmupSentence(history.lists),
    exportCsv
      ? `CSV export of ${exportCsv.rows} rows (${fmt(exportCsv.bytes / 1024 ** 2, 1)} MB): ${fmt(exportCsv.seconds, 2)} s; API process RSS ${fmt(exportCsv.rssBeforeMb, 0)} MB before, peak ${fmt(exportCsv.peakRssMb, 0)} MB during.${
          history.exportCsvFreshApi
            ? ` The same export on an API started for it alone once the stack had stopped, after an uncounted export of a tenth of the rows (the stack's API had grown its heap serving every section before, which would flatter a growth measured from there): ${fmt(history.exportCsvFreshApi.seconds, 2)} s, RSS ${fmt(history.exportCsvFreshApi.rssBeforeMb, 0)} MB before, peak ${fmt(history.exportCsvFreshApi.peakRssMb, 0)} MB; the target holds only if both grow less than 100 MB.`
            : ""
        } Raw (keyset pages on bare \`pg\`, formatted, nothing kept): ${fmt(exportCsv.rawSeconds, 2)} s.`
      : `CSV export: not measured: ${"notMeasured" in history.exportCsv ? history.exportCsv.notMeasured : ""}.`,
    "",
    ...httpSection(results.http),
    "",
    ...metricsSection(results.metrics),
    "",
    ...inboxSection(results.inbox),
    "",
    ...profileSection(results.profile),
    "",
    ...microSection(results.micro, results.mail),
    "",
    RESULTS_END,
  ];
  return lines.join("\n");
}
