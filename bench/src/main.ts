import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";

import { Redis } from "ioredis";
import pg from "pg";

import { waitForSealedEvents } from "./audit-sealing-wait.ts";
import { createRunMaintenance } from "./run-maintenance.ts";
import { BENCH_CONNECTOR, benchDatabaseUrl, createFixtures, createInboxTenant, createMetricsTenant, recreateBenchDatabase, type BenchFixtures } from "./bench-database.ts";
import { startChildApp, type ChildApp } from "./child-app.ts";
import { env, inheritedEnv } from "./env.ts";
import { createHttpClient, type HttpClient } from "./http-client.ts";
import { startExecutionWatch } from "./execution-watch.ts";
import { createLeashPipeline, LEASH_ENDED_SQL } from "./leash-pipeline.ts";
import { sleep, wallClock } from "./load.ts";
import { describeMachine } from "./machine.ts";
import { parseOptions, type BenchOptions } from "./options.ts";
import { sharedServices, type MeasuredProcess } from "./process-cpu.ts";
import { profilesDir, repoRoot, resultsDir } from "./paths.ts";
import type { Pipeline } from "./pipeline.ts";
import { createRawPipeline } from "./raw/raw-pipeline.ts";
import { createRawSchema, RAW_QUEUE_PREFIX } from "./raw/raw-schema.ts";
import { summariseProfiles } from "./report/cpu-profile.ts";
import { APPROVALS_UNDER_LOAD_RATE, renderResults, RESULTS_END, RESULTS_START, typedFigures } from "./report/markdown.ts";
import type { BenchResults, PipelineResults, ProfileResult } from "./report/results.ts";
import { APPROVAL_WARMUP, checkUnderLoad, measureApprovals, type ApprovalResult } from "./scenarios/approvals.ts";
import { measureBurst } from "./scenarios/burst.ts";
import { measureExport, measureRawExport } from "./scenarios/export-csv.ts";
import { fillHistory, measureLists, type ApiExportResult, type HistoryResult } from "./scenarios/history.ts";
import { leashHttpRequests, rawFetchRequests, type HttpWorkloadResult } from "./scenarios/http-requests.ts";
import { runLoad, type LoadRunResult } from "./scenarios/load-run.ts";
import { fillInboxHistory, measureInbox, proposeInbox, type InboxResult } from "./scenarios/inbox.ts";
import { fillMetrics, measureAtRest, measureMetrics, type MetricsResult } from "./scenarios/metrics.ts";
import { measureMail, measureMicro } from "./scenarios/micro.ts";
import { measureProposeAndWait, type ProposeAndWaitResult } from "./scenarios/propose-and-wait.ts";
import { measureSlackApprovals, SLACK_APPROVER_ID, type SlackResult } from "./scenarios/slack-approvals.ts";
import { FAKE_TEAM, startFakeSlackApi } from "./slack/fake-slack-api.ts";
import { BENCH_API_PORT, BENCH_QUEUE_PREFIX, BENCH_RECEIVER_PORT, buildConsole, startConsole, startLoneApi, startStack, type Stack } from "./stack.ts";
import { mixedProposal } from "./workload.ts";

const AGENT_KEYS = 8;
/** Items of the inbox tenant its proposals target, and the requests and page loads of each kind that warm up before the measured ones. */
const INBOX_ITEMS = 300;
const INBOX_WARMUP = 3;
const redisUrl = env.REDIS_URL;
const receiverUrl = `http://127.0.0.1:${BENCH_RECEIVER_PORT}`;

const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function clearQueues(redis: Redis): Promise<void> {
  for (const prefix of [BENCH_QUEUE_PREFIX, RAW_QUEUE_PREFIX]) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
}

/** More worker processes of a pipeline for the `--workers N` run, measured with it. */
type AddWorkers = (count: number) => Promise<{ processes: MeasuredProcess[]; stop(): Promise<void> }>;

/** A run's CPU ms per executed action, by process, for the log. */
const cpuPerAction = (run: LoadRunResult) => Object.entries(run.cpuMsPerAction).map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(", ");

/** The closed-loop saturation run: `saturationAgents` agents, each waiting for its action to execute before proposing the next. */
async function runSaturation(pipeline: Pipeline, options: BenchOptions, workers: number, firstIndex: number): Promise<LoadRunResult> {
  const durationMs = options.loadSeconds * 1000;
  log(`${pipeline.name}: saturation, ${options.saturationAgents} agents each waiting for its action, ${workers} worker${workers > 1 ? "s" : ""}, for ${options.loadSeconds} s`);
  await pipeline.maintain();
  const run = await runLoad(pipeline, { agents: options.saturationAgents, durationMs, warmupMs: durationMs / 5, workers }, firstIndex);
  const cpu = cpuPerAction(run);
  log(`  executed/s median ${run.executedPerSecond.p50}, propose → executed p50 ${run.proposeToExecutedMs.p50.toFixed(1)} ms, CPU ms per action: ${cpu}; load generator busy ${(run.generatorBusy * 100).toFixed(0)}%, errors ${run.errors}${run.firstError ? ` (${run.firstError})` : ""}`);
  await sleep(1000);
  return run;
}

/**
 * The fixed offered loads, in order, with `approvalSamples` approvals of actions proposed beforehand
 * sent alongside the `APPROVALS_UNDER_LOAD_RATE` one (after its warm-up, all within 70% of its
 * measured window, so that they execute while the load runs).
 */
async function runFixedLoads(pipeline: Pipeline, options: BenchOptions, indexes: () => number): Promise<{ fixedLoads: LoadRunResult[]; approvalsUnderLoad: ApprovalResult }> {
  const durationMs = options.loadSeconds * 1000;
  const warmupMs = durationMs / 5;
  const pendingForLoad = await pipeline.proposePending(options.approvalSamples);
  const approvalRateUnderLoad = Math.max(options.approvalRate, options.approvalSamples / ((0.7 * (durationMs - warmupMs)) / 1000));
  const fixedLoads: LoadRunResult[] = [];
  let approvalsUnderLoad: ApprovalResult | null = null;
  for (const rate of options.fixedRates) {
    const withApprovals = rate === APPROVALS_UNDER_LOAD_RATE;
    log(`${pipeline.name}: ${rate}/s offered for ${options.loadSeconds} s${withApprovals ? `, with ${options.approvalSamples} approvals at ${approvalRateUnderLoad.toFixed(1)}/s alongside` : ""}`);
    // Before the load starts, so that the approvals alongside start after its warm-up as timed from its start.
    await pipeline.maintain();
    const [run, approvals] = await Promise.all([
      runLoad(pipeline, { ratePerSecond: rate, durationMs, warmupMs, workers: 1 }, indexes()),
      withApprovals ? sleep(warmupMs).then(() => measureApprovals(pipeline, pendingForLoad, approvalRateUnderLoad)) : null,
    ]);
    if (approvals) {
      approvals.underLoad = checkUnderLoad(approvals, run.timeline);
      approvalsUnderLoad = approvals;
      const check = approvals.underLoad;
      log(`  approvals ${check.valid ? "ran" : "did NOT all run"} under load: ${check.executedWhileLoadRan} of ${approvals.samples} executed while the load ran (load window ${check.loadWindowSeconds.join("–")} s, approvals ${check.approvalsSeconds.join("–")} s); approve → executed p50/p99 ${approvals.approveToExecutedMs.p50.toFixed(1)}/${approvals.approveToExecutedMs.p99.toFixed(1)} ms`);
    }
    fixedLoads.push(run);
    const cpu = cpuPerAction(run);
    log(`  executed/s median ${run.executedPerSecond.p50}, propose p50 ${run.proposeLatencyMs.p50.toFixed(1)} ms, to executed p50/p99 ${run.proposeToExecutedMs.p50.toFixed(1)}/${run.proposeToExecutedMs.p99.toFixed(1)} ms${run.stoppedAfterSeconds === null ? "" : `, stopped after ${run.stoppedAfterSeconds.toFixed(1)} s`}, CPU ms per action: ${cpu}; errors ${run.errors}${run.firstError ? ` (${run.firstError})` : ""}`);
    await sleep(1000);
  }
  if (!approvalsUnderLoad) throw new Error(`the ${APPROVALS_UNDER_LOAD_RATE}/s load must be among the fixed loads`);
  return { fixedLoads, approvalsUnderLoad };
}

/** The same sequence of scenarios for either pipeline, so every figure has its baseline beside it. */
async function runPipeline(pipeline: Pipeline, options: BenchOptions, addWorkers: AddWorkers): Promise<PipelineResults> {
  let nextIndex = 0;
  const indexes = () => {
    nextIndex += 1_000_000;
    return nextIndex;
  };

  const approvalsAtLowLoad = await runApprovalsAtLowLoad(options, pipeline);
  const { fixedLoads, approvalsUnderLoad } = await runFixedLoads(pipeline, options, indexes);

  const saturate = (workers: number) => runSaturation(pipeline, options, workers, indexes());
  const saturation = await saturate(1);
  let saturationWithWorkers: LoadRunResult | null = null;
  if (options.workers > 1) {
    const added = await addWorkers(options.workers - 1);
    pipeline.processes.unshift(...added.processes);
    try {
      saturationWithWorkers = await saturate(options.workers);
    } finally {
      pipeline.processes.splice(0, added.processes.length);
      await added.stop();
    }
  }

  log(`${pipeline.name}: burst of ${options.burstSize} x ${options.burstRepeats}`);
  const burst = await measureBurst(pipeline, options.burstSize, options.burstRepeats);
  log(`  drained in ${burst.drainSeconds.p50.toFixed(2)} s (median)`);
  return { fixedLoads, saturation, saturationWithWorkers, approvalsAtLowLoad, approvalsUnderLoad, burst };
}

async function startRawWorker(databaseUrl: string, name: string): Promise<ChildApp> {
  return startChildApp({ name, cwd: join(repoRoot, "bench"), script: "src/raw/raw-worker.ts", env: { RAW_DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } });
}

async function runRaw(options: BenchOptions, databaseUrl: string): Promise<PipelineResults> {
  const worker = await startRawWorker(databaseUrl, "raw-worker");
  const raw = await createRawPipeline({ databaseUrl, redisUrl, targetCount: options.itemCount, workerPids: [worker.pid] });
  const addWorkers: AddWorkers = async (count) => {
    const workers: ChildApp[] = [];
    for (let index = 0; index < count; index += 1) workers.push(await startRawWorker(databaseUrl, `raw-worker-${index + 2}`));
    return {
      processes: workers.map((started, index) => ({ name: `worker ${index + 2}`, pid: started.pid })),
      async stop() {
        await Promise.all(workers.map((started) => started.stop()));
        keepLogs(workers);
      },
    };
  };
  try {
    return await runPipeline(raw.pipeline, options, addWorkers);
  } finally {
    await worker.stop();
    keepLogs([worker]);
    await raw.close();
  }
}

/**
 * History at scale: the list filters, then the CSV export on the stack's API. Answers the figures and
 * how to make the same export again on another API process (`exportOn`).
 */
async function runHistory(
  options: BenchOptions,
  stack: Stack,
  pool: pg.Pool,
  fixtures: BenchFixtures,
): Promise<{ history: HistoryResult; exportOn: ExportOn }> {
  log(`history: inserting ${options.historyRows} actions`);
  const insertSeconds = await fillHistory(pool, fixtures.history, options.historyRows);
  log(`  inserted in ${insertSeconds.toFixed(1)} s; action.list with each filter, ${options.listCallsPerFilter} calls each`);
  await createRunMaintenance(pool)();
  const http = createHttpClient(stack.apiUrl, { maxSockets: 4 });
  try {
    const lists = await measureLists({ pool, http, tenant: fixtures.history, apiKey: fixtures.history.adminKey, calls: options.listCallsPerFilter });
    for (const list of lists) log(`  ${list.label}: p50 ${list.leashMs.p50.toFixed(1)} ms, p99 ${list.leashMs.p99.toFixed(1)} ms (raw ${list.rawMs.p50.toFixed(2)})`);
    const from = new Date(Date.now() - 364 * 86_400_000).toISOString();
    // The rows are spread evenly over a year: a window from `from` to `windowEnd(rows)` holds about `rows` of them.
    const windowEnd = (rows: number) => new Date(Date.parse(from) + (365 * 86_400_000 * rows) / options.historyRows).toISOString();
    const exportOn: ExportOn = (apiPid, rows = options.exportRows) =>
      measureExport({ apiUrl: stack.apiUrl, apiKey: fixtures.history.adminKey, apiPid, query: new URLSearchParams({ from, to: windowEnd(rows) }).toString() });
    log(`history: CSV export of about ${options.exportRows} rows`);
    const exported = await exportOn(stack.api.pid);
    const rawSql = "SELECT * FROM agent_action WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3";
    const exportCsv = exported
      ? { ...exported, rawSeconds: await measureRawExport(pool, rawSql, [fixtures.history.id, from, windowEnd(options.exportRows)]) }
      : { notMeasured: "the API has no `GET /export/actions.csv` yet" };
    return {
      history: {
        rows: options.historyRows,
        insertSeconds,
        lists,
        exportCsv,
      },
      exportOn,
    };
  } finally {
    http.close();
  }
}

/** Makes the history's CSV export on the API process `apiPid` (about `rows` rows; the section's figure by default). */
type ExportOn = (apiPid: number, rows?: number) => Promise<ApiExportResult | null>;

/**
 * The export again, on an API process started for it alone: the stack's API has grown its heap
 * serving every section before, which would flatter a growth measured from there. A tenth of it
 * goes first, uncounted, so that what is measured is what the export's size costs rather than the
 * heap a freshly started process grows on its first work of any kind.
 */
async function exportOnFreshApi(databaseUrl: string, exportOn: ExportOn, rows: number): Promise<ApiExportResult | null> {
  const api = await startLoneApi({ databaseUrl, redisUrl });
  try {
    log(`history: the same CSV export on a freshly started API, after one of ${Math.round(rows / 10)} rows`);
    await exportOn(api.pid, Math.round(rows / 10));
    return await exportOn(api.pid, rows);
  } finally {
    await api.stop();
    keepLogs([api], "fresh-export-");
  }
}

/** The `http` workload: Leash's connector requests, then a raw `fetch` loop with as many in flight, to the same receiver. */
async function runHttp(options: BenchOptions, stack: Stack, pool: pg.Pool, fixtures: BenchFixtures, receiver: ChildApp): Promise<HttpWorkloadResult> {
  const durationMs = options.httpSeconds * 1000;
  const shape = { concurrency: options.httpConcurrency, durationMs, warmupMs: durationMs / 5, receiverUrl, tag: Date.now().toString(36) };
  const measuredReceiver = { name: "receiver", pid: receiver.pid };
  log(`http: ${options.httpConcurrency} agents proposing auto-approved http actions, each waiting for its execution, for ${options.httpSeconds} s`);
  const http = createHttpClient(stack.apiUrl, { maxSockets: options.httpConcurrency * 2 });
  const executions = await startExecutionWatch(
    stack.databaseUrl, LEASH_ENDED_SQL);
  let leash: HttpWorkloadResult["leash"];
  try {
    leash = await leashHttpRequests(
      { ...shape, http, pool, executions, agentKeys: fixtures.agents.agentKeys, connector: BENCH_CONNECTOR },
      [{ name: "api", pid: stack.api.pid }, { name: "worker", pid: stack.worker.pid }, measuredReceiver, ...sharedServices],
    );
  } finally {
    await executions.close();
    http.close();
  }
  log(`  executed/s median ${leash.perSecond.p50}, propose → executed p50/p99 ${leash.latencyMs.p50.toFixed(1)}/${leash.latencyMs.p99.toFixed(1)} ms, errors ${leash.errors}${leash.firstError ? ` (${leash.firstError})` : ""}`);
  await sleep(1000);
  log(`http: raw fetch loop, ${options.httpConcurrency} in flight, for ${options.httpSeconds} s`);
  const raw = await rawFetchRequests(shape, [measuredReceiver, { name: "load generator (fetch)", pid: process.pid }]);
  log(`  requests/s median ${raw.perSecond.p50}, p50/p99 ${raw.latencyMs.p50.toFixed(2)}/${raw.latencyMs.p99.toFixed(2)} ms, errors ${raw.errors}${raw.firstError ? ` (${raw.firstError})` : ""}`);
  return { concurrency: options.httpConcurrency, durationSeconds: options.httpSeconds, warmupSeconds: shape.warmupMs / 1000, leash, raw };
}

/** Seconds the stack is watched at rest after the metrics fill. */
const AT_REST_SECONDS = 20;

/**
 * `metrics.summary` for each window on a tenant filled with `metricsRows` actions, through the API at
 * `apiUrl`; in a full run, the stack's processes (`leashProcesses`) are first watched at rest on that database.
 */
async function runMetrics(options: BenchOptions, apiUrl: string, pool: pg.Pool, databaseUrl: string, stack: MeasuredProcess[] | null): Promise<MetricsResult> {
  const alone = stack === null;
  const measuredAt = new Date().toISOString();
  const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100);
  const tenant = await createMetricsTenant(databaseUrl);
  log(`metrics: inserting ${options.metricsRows} actions over ${options.metricsDays} days`);
  const insertSeconds = await fillMetrics(pool, tenant, options.metricsRows, options.metricsDays);
  const sealSeconds = alone ? null : await waitForSealedEvents(databaseUrl);
  log(`  inserted in ${insertSeconds.toFixed(1)} s${sealSeconds === null ? "" : `, sealed by the worker ${sealSeconds.toFixed(1)} s later`}; metrics.summary, the first call then ${options.metricsCalls} more per input`);
  await createRunMaintenance(pool)();
  const atRest = stack === null ? null : await measureAtRest(stack, AT_REST_SECONDS);
  if (atRest) log(`  at rest for ${atRest.seconds} s, CPU ms per second: ${Object.entries(atRest.cpuMsPerSecond).map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(", ")}`);
  const http = createHttpClient(apiUrl, { maxSockets: 2 });
  try {
    const measured = await measureMetrics({ http, tenant, calls: options.metricsCalls });
    for (const call of measured.calls) log(`  ${call.label}: first ${call.firstMs.toFixed(0)} ms, then p50 ${call.ms.p50.toFixed(1)} ms, p99 ${call.ms.p99.toFixed(1)} ms`);
    return { measuredAt, alone, loadAverage, rows: options.metricsRows, days: options.metricsDays, insertSeconds, sealSeconds, atRest, ...measured };
  } finally {
    http.close();
  }
}

/**
 * `--only metrics` or `--only inbox`: that section alone, against the API alone (the inbox proposes
 * through it), written into the latest results of the same mode (whose other sections stay as
 * measured) and from there into the report.
 */
async function runSectionAlone<Section extends "metrics" | "inbox">(
  options: BenchOptions,
  section: Section,
  measure: (apiUrl: string, pool: pg.Pool, databaseUrl: string) => Promise<NonNullable<BenchResults[Section]>>,
): Promise<void> {
  const previous = latestResults(options, section);
  const databaseUrl = await recreateBenchDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  let api: ChildApp | null = null;
  try {
    api = await startLoneApi({ databaseUrl, redisUrl });
    const measured = await measure(`http://127.0.0.1:${BENCH_API_PORT}`, pool, databaseUrl);
    await api.stop();
    keepLogs([api]);
    api = null;
    log(`report written to ${writeReport({ ...previous, [section]: measured }, measured.measuredAt)}`);
  } finally {
    await api?.stop();
    await pool.end();
  }
}

/** The latest results of the options' mode, which a section run alone (`--only <section>`) is written into. */
function latestResults(options: BenchOptions, section: string): BenchResults {
  const resultsPath = join(resultsDir, options.quick ? "quick.json" : "latest.json");
  if (!existsSync(resultsPath)) throw new Error(`--only ${section} writes into ${resultsPath}, which a whole run (pnpm bench${options.quick ? " --quick" : ""}) makes first`);
  const previous = JSON.parse(readFileSync(resultsPath, "utf8")) as BenchResults;
  if (!previous.profile) throw new Error(`${resultsPath} was written by an earlier harness: run pnpm bench${options.quick ? " --quick" : ""} once first`);
  return previous;
}

/**
 * The console's inbox holding `inboxPending` actions of a tenant with a decided past, proposed
 * through the API at `apiUrl`, served by the freshly built console: `GET /` over HTTP, then page loads in Chromium.
 */
async function runInbox(options: BenchOptions, apiUrl: string, pool: pg.Pool, databaseUrl: string, alone: boolean): Promise<InboxResult> {
  const measuredAt = new Date().toISOString();
  const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100);
  log("inbox: building the console");
  await buildConsole();
  const tenant = await createInboxTenant(databaseUrl, INBOX_ITEMS);
  log(`inbox: inserting ${options.inboxHistoryRows} decided actions, then proposing ${options.inboxPending} through the API`);
  const fillStarted = wallClock();
  await fillInboxHistory(pool, tenant, options.inboxHistoryRows);
  const api = createHttpClient(apiUrl, { maxSockets: 8 });
  let pending: InboxResult["pending"];
  try {
    pending = await proposeInbox(api, tenant, options.inboxPending);
  } finally {
    api.close();
  }
  const fillSeconds = (wallClock() - fillStarted) / 1000;
  const sealSeconds = alone ? null : await waitForSealedEvents(databaseUrl);
  await createRunMaintenance(pool)();
  const web = await startConsole({ databaseUrl, redisUrl });
  const http = createHttpClient(web.url, { maxSockets: 1 });
  try {
    log(`  filled in ${fillSeconds.toFixed(1)} s${sealSeconds === null ? "" : `, sealed by the worker ${sealSeconds.toFixed(1)} s later`}; GET / ${options.inboxServerRequests} times, then ${options.inboxBrowserLoads} page loads in Chromium`);
    const measured = await measureInbox({
      consoleUrl: web.url,
      http,
      tenant,
      pending: pending.total,
      serverRequests: options.inboxServerRequests,
      browserLoads: options.inboxBrowserLoads,
      warmup: INBOX_WARMUP,
    });
    const { server, browser } = measured;
    log(`  GET / p50/p95/p99 ${server.ms.p50.toFixed(0)}/${server.ms.p95.toFixed(0)}/${server.ms.p99.toFixed(0)} ms, ${(server.htmlBytes / 1024).toFixed(0)} KB HTML (${(server.gzipBytes / 1024).toFixed(0)} KB gzip)`);
    log(`  page loaded and hydrated with ${browser.rows} rows p50/p95 ${browser.loadedMs.p50.toFixed(0)}/${browser.loadedMs.p95.toFixed(0)} ms (document received p50 ${browser.responseEndMs.p50.toFixed(0)} ms, rows painted p50 ${browser.firstContentfulPaintMs?.p50.toFixed(0)} ms); every row after scrolling p50/p95 ${browser.everyRowMs.p50.toFixed(0)}/${browser.everyRowMs.p95.toFixed(0)} ms`);
    if (measured.floor) log(`  floor: ${measured.floor.path} hydrated p50/p95 ${measured.floor.loadedMs.p50.toFixed(0)}/${measured.floor.loadedMs.p95.toFixed(0)} ms`);
    return { measuredAt, alone, loadAverage, pending, historyRows: options.inboxHistoryRows, fillSeconds, sealSeconds, warmup: INBOX_WARMUP, ...measured };
  } finally {
    http.close();
    await web.app.stop();
    keepLogs([web.app]);
  }
}


/** `action.proposeAndWait` by a few agents, one call at a time each, timed against the commits the harness sees. */
async function runProposeAndWait(options: BenchOptions, http: HttpClient, pool: pg.Pool, fixtures: BenchFixtures): Promise<ProposeAndWaitResult> {
  log(`proposeAndWait: ${options.proposeAndWaitSamples} calls by ${options.proposeAndWaitAgents} agents, one at a time each`);
  const { rows: newest } = await pool.query<{ id: number | null }>("SELECT max(id) AS id FROM agent_action");
  const pawTag = `paw-${Date.now().toString(36)}`;
  const measured = await measureProposeAndWait({
    http,
    databaseUrl: benchDatabaseUrl(),
    agentKeys: fixtures.agents.agentKeys,
    agents: options.proposeAndWaitAgents,
    samples: options.proposeAndWaitSamples,
    fromActionId: newest[0]?.id ?? 0,
    proposal: (index) => mixedProposal(fixtures.agents.items, index, pawTag),
  });
  log(`  answer after the commit p50/p99 ${measured.answerAfterCommitMs.p50.toFixed(1)}/${measured.answerAfterCommitMs.p99.toFixed(1)} ms (seen late by at most ${measured.lateByAtMostMs.p99.toFixed(1)} ms p99), call p50 ${measured.callMs.p50.toFixed(1)} ms, errors ${measured.errors}${measured.firstError ? ` (${measured.firstError})` : ""}`);
  return measured;
}

/** Signed Approve clicks on the Slack bot's receiver, on the cards it posted for newly proposed actions. */
async function runSlackClicks(options: BenchOptions, stack: Stack, pipeline: Pipeline, signingSecret: string): Promise<SlackResult> {
  log(`slack: ${options.slackSamples} signed Approve clicks at ${options.approvalRate}/s`);
  const slackHttp = createHttpClient(stack.slackUrl ?? "", { maxSockets: 16 });
  try {
    const clicks = async (count: number) =>
      measureSlackApprovals({ http: slackHttp, signingSecret, pipeline, ids: await pipeline.proposePending(count), ratePerSecond: options.approvalRate });
    // As at low load through the API: the first clicks warm the bot's paths and are not counted.
    const warmup = await clicks(APPROVAL_WARMUP);
    const slack: SlackResult = { ...(await clicks(options.slackSamples)), warmup: { samples: warmup.samples, ackMs: warmup.ackMs } };
    log(`  warm-up: ${warmup.samples} clicks first, not counted: ack p50/max ${warmup.ackMs.p50.toFixed(1)}/${warmup.ackMs.max.toFixed(1)} ms`);
    log(`  ack p50/p99/max ${slack.ackMs.p50.toFixed(1)}/${slack.ackMs.p99.toFixed(1)}/${slack.ackMs.max.toFixed(1)} ms, click → executed p50 ${slack.clickToExecutedMs.p50.toFixed(1)} ms, errors ${slack.errors}${slack.firstError ? ` (${slack.firstError})` : ""}`);
    return slack;
  } finally {
    slackHttp.close();
  }
}

/** Approve → executed at low load on one pipeline: approvals one at a time, nothing else running. */
async function runApprovalsAtLowLoad(options: BenchOptions, pipeline: Pipeline): Promise<ApprovalResult> {
  log(`${pipeline.name}: approve → executed at low load (${options.approvalSamples} approvals at ${options.approvalRate}/s)`);
  const warmup = await measureApprovals(pipeline, await pipeline.proposePending(APPROVAL_WARMUP), options.approvalRate);
  const approvals: ApprovalResult = {
    ...(await measureApprovals(pipeline, await pipeline.proposePending(options.approvalSamples), options.approvalRate)),
    warmup: { samples: warmup.samples, approveToExecutedMs: warmup.approveToExecutedMs },
  };
  log(`  warm-up: ${warmup.samples} approvals first, not counted: approve → executed p50/max ${warmup.approveToExecutedMs.p50.toFixed(1)}/${warmup.approveToExecutedMs.max.toFixed(1)} ms`);
  log(`  approve → executed p50/p99/max ${approvals.approveToExecutedMs.p50.toFixed(1)}/${approvals.approveToExecutedMs.p99.toFixed(1)}/${approvals.approveToExecutedMs.max.toFixed(1)} ms (seen late by at most ${approvals.lateByAtMostMs.p99.toFixed(1)} ms p99), approve call p50 ${approvals.approveCallMs.p50.toFixed(1)} ms, errors ${approvals.errors}${approvals.firstError ? ` (${approvals.firstError})` : ""}`);
  return approvals;
}

/** A fresh run's starting point, the same for every mode: empty queues, the raw baseline's tables, and Leash's fixtures. */
async function prepareRun(options: BenchOptions, redis: Redis, pool: pg.Pool, databaseUrl: string, connectorKey: Buffer) {
  await clearQueues(redis);
  const client = await pool.connect();
  try {
    await createRawSchema(client, options.itemCount);
  } finally {
    client.release();
  }
  return createFixtures(databaseUrl, {
    itemCount: options.itemCount,
    agentKeys: AGENT_KEYS,
    slack: { teamId: FAKE_TEAM.teamId, channelId: FAKE_TEAM.channelId, userId: SLACK_APPROVER_ID },
    connector: { baseUrl: `${receiverUrl}/api`, key: connectorKey },
  });
}

/** What a section run alone hands its Leash part: the stack it started and what that stack is driven with. */
interface LeashSection {
  pipeline: Pipeline;
  stack: Stack;
  http: HttpClient;
  pool: pg.Pool;
  fixtures: BenchFixtures;
  signingSecret: string;
}

/**
 * A section run alone (`--only approvals`, `--only load`) on a fresh database: `raw` on the
 * baseline's pipeline, then `leash` on Leash's stack (api, worker and Slack bot, measured together).
 * What they answer is logged by them and kept in `<start>-<mode>-<section>.json` beside the results,
 * with the machine; the report is left as it was.
 */
async function runSectionOnBoth<RawResult>(
  options: BenchOptions,
  section: string,
  raw: (pipeline: Pipeline) => Promise<RawResult>,
  leash: (section: LeashSection, rawResult: RawResult) => Promise<Record<string, unknown>>,
): Promise<void> {
  const startedAt = new Date().toISOString();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const databaseUrl = await recreateBenchDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const fakeSlack = await startFakeSlackApi();
  let stack: Stack | null = null;
  try {
    const fixtures = await prepareRun(options, redis, pool, databaseUrl, randomBytes(32));
    const machine = await describeMachine(pool, redis);
    const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100);
    const rawWorker = await startRawWorker(databaseUrl, "raw-worker");
    const rawPipeline = await createRawPipeline({ databaseUrl, redisUrl, targetCount: options.itemCount, workerPids: [rawWorker.pid] });
    let rawResult: RawResult;
    try {
      rawResult = await raw(rawPipeline.pipeline);
    } finally {
      await rawPipeline.close();
      await rawWorker.stop();
    }
    await clearQueues(redis);

    const signingSecret = randomBytes(16).toString("hex");
    stack = await startStack({ databaseUrl, redisUrl, profile: false, slack: { apiUrl: fakeSlack.apiUrl, signingSecret } });
    const http = createHttpClient(stack.apiUrl);
    const leashPipeline = await createLeashPipeline({ http, fixtures, databaseUrl, redisUrl, tag: Date.now().toString(36),
      processes: leashProcesses(stack), slackCards: stack.slackbot !== null,
    });
    try {
      const leashResults = await leash({ pipeline: leashPipeline.pipeline, stack, http, pool, fixtures, signingSecret }, rawResult);
      const path = join(resultsDir, `${startedAt.replaceAll(":", "-")}-${options.quick ? "quick" : "full"}-${section}.json`);
      mkdirSync(resultsDir, { recursive: true });
      writeFileSync(path, JSON.stringify({ startedAt, machine, loadAverage, raw: rawResult, ...leashResults }, null, 2));
      log(`results written to ${path}`);
    } finally {
      await leashPipeline.close();
      http.close();
    }
    await stack.stop();
    keepLogs([stack.api, stack.worker, stack.slackbot]);
    stack = null;
  } finally {
    await stack?.stop();
    await clearQueues(redis).catch(() => undefined);
    redis.disconnect();
    await pool.end();
    await fakeSlack.close();
  }
}

/**
 * `--only approvals`: the latency figures at low load alone: approve → executed for the baseline
 * and Leash, then proposeAndWait and Slack clicks on Leash.
 */
function runApprovalsAlone(options: BenchOptions): Promise<void> {
  return runSectionOnBoth(
    options,
    "approvals",
    (pipeline) => runApprovalsAtLowLoad(options, pipeline),
    async ({ pipeline, stack, http, pool, fixtures, signingSecret }) => ({
      leash: await runApprovalsAtLowLoad(options, pipeline),
      proposeAndWait: await runProposeAndWait(options, http, pool, fixtures),
      slack: await runSlackClicks(options, stack, pipeline, signingSecret),
    }),
  );
}

type LoadsAlone = { fixedLoads: LoadRunResult[]; approvalsUnderLoad: ApprovalResult; saturation: LoadRunResult };

/** The fixed loads (approvals alongside one of them, as in a whole run) then the saturation run, on one pipeline. */
async function runLoads(pipeline: Pipeline, options: BenchOptions, firstIndex: number): Promise<LoadsAlone> {
  let nextIndex = firstIndex;
  const indexes = () => {
    nextIndex += 1_000_000;
    return nextIndex;
  };
  const { fixedLoads, approvalsUnderLoad } = await runFixedLoads(pipeline, options, indexes);
  return { fixedLoads, approvalsUnderLoad, saturation: await runSaturation(pipeline, options, 1, indexes()) };
}

/**
 * `--only load`: the fixed loads (approvals alongside one, as in a whole run) then the saturation
 * run, of the baseline and of Leash. Made to compare two versions of the code quickly.
 */
function runLoadsAlone(options: BenchOptions): Promise<void> {
  return runSectionOnBoth(
    options,
    "load",
    (pipeline) => runLoads(pipeline, options, 1_000_000),
    async ({ pipeline }, raw) => {
      const leash = await runLoads(pipeline, options, 10_000_000);
      log(`saturation leash/raw ${(leash.saturation.executedPerSecond.p50 / raw.saturation.executedPerSecond.p50).toFixed(2)}x`);
      return { leash };
    },
  );
}

/**
 * A saturation run of Leash alone on apps started under `node --cpu-prof`, apart from every other
 * figure (the profiler costs a little): where the API's and the worker's CPU time goes.
 */
async function runProfile(options: BenchOptions, stack: Stack, fixtures: BenchFixtures, databaseUrl: string): Promise<ProfileResult> {
  const http = createHttpClient(stack.apiUrl);
  const pipeline = await createLeashPipeline({ http, fixtures, databaseUrl, redisUrl, tag: `profile-${Date.now().toString(36)}`,
    processes: leashProcesses(stack), slackCards: stack.slackbot !== null,
  });
  const durationMs = options.loadSeconds * 1000;
  log(`profile: saturation, ${options.saturationAgents} agents, ${options.loadSeconds} s, api and worker under node --cpu-prof`);
  await pipeline.pipeline.maintain();
  const loadStart = wallClock();
  let run: LoadRunResult;
  try {
    run = await runLoad(pipeline.pipeline, { agents: options.saturationAgents, durationMs, warmupMs: durationMs / 5, workers: 1 }, 9_000_000);
  } finally {
    await pipeline.close();
    http.close();
    await stack.stop();
    // Beside, not over, the logs of the apps that ran every other section.
    keepLogs([stack.api, stack.worker], "profile-");
  }
  const windowMs = wallClock() - loadStart;
  const summaries = [stack.api, stack.worker].flatMap((app) => summariseProfiles(join(profilesDir, app.name), app.name, windowMs) ?? []);
  log(`  executed/s median ${run.executedPerSecond.p50}; ${summaries.map((summary) => `${summary.process}: ${summary.topModules.slice(0, 3).map((module) => `${module.name} ${(module.share * 100).toFixed(0)}%`).join(", ")}`).join("; ")}`);
  return { run, processes: summaries };
}

/** `--only profile`: section 9 alone on a fresh database, to read where the time goes after a change. */
async function runProfileAlone(options: BenchOptions): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const databaseUrl = await recreateBenchDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const connectorKey = randomBytes(32);
  let stack: Stack | null = null;
  try {
    const fixtures = await prepareRun(options, redis, pool, databaseUrl, connectorKey);
    stack = await startStack({ databaseUrl, redisUrl, profile: true, env: { CONNECTOR_SECRET_KEY: connectorKey.toString("hex") } });
    const { run, processes } = await runProfile(options, stack, fixtures, databaseUrl);
    stack = null;
    log(`  CPU ms per action: ${cpuPerAction(run)}`);
    for (const summary of processes) {
      log(`  ${summary.process}: busy ${(summary.busyMs / 1000).toFixed(1)} s; ${summary.topFunctions.map((entry) => `${entry.name} (${entry.module}) ${(entry.share * 100).toFixed(0)}%`).join(", ")}`);
    }
    log(`profiles kept in ${profilesDir}`);
  } finally {
    await stack?.stop();
    await clearQueues(redis).catch(() => undefined);
    redis.disconnect();
    await pool.end();
  }
}

/** Leash's processes whose CPU a run reports per action: the Slack bot's too when it runs (it updates the cards of the approvals). */
function leashProcesses(stack: Stack): MeasuredProcess[] {
  return [
    { name: "api", pid: stack.api.pid },
    { name: "worker", pid: stack.worker.pid },
    ...(stack.slackbot ? [{ name: "slackbot", pid: stack.slackbot.pid }] : []),
    ...sharedServices,
  ];
}

/** Settings of the apps under test given to the harness's environment (the group-commit batch sizes among them), passed on as they are. */
function passedThroughSettings(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inheritedEnv).flatMap(([name, value]) => (/^(WORKER|API|DB)_\w*(BATCH|POOL|CONCURRENCY)\w*$/.test(name) && value ? [[name, value]] : [])),
  );
}

/** The apps' logs (warnings and errors: they run with LOG_LEVEL=warn) go next to the results, to explain odd figures. */
function keepLogs(apps: readonly (ChildApp | null)[], prefix = ""): void {
  const dir = join(resultsDir, "logs");
  mkdirSync(dir, { recursive: true });
  for (const app of apps) if (app) writeFileSync(join(dir, `${prefix}${app.name}.log`), app.output());
}

/** BENCHMARKS.md's prose may only say what the generated block shows: a figure typed outside it is pointed out. */
function warnOfTypedFigures(document: string): void {
  const figures = typedFigures(document);
  if (figures.length) log(`BENCHMARKS.md states figures outside the generated block; move them into the harness or remove them:\n  ${figures.join("\n  ")}`);
}

/** `runStart` names the results file: a section run alone is named after its own start, so the whole run's file stays as it was measured. */
function writeReport(results: BenchResults, runStart = results.startedAt): string {
  mkdirSync(resultsDir, { recursive: true });
  const json = JSON.stringify(results, null, 2);
  // Every run's results stay beside the latest (a full run's are kept in the repository: bench/results/.gitignore).
  writeFileSync(join(resultsDir, `${runStart.replaceAll(":", "-")}-${results.mode}.json`), json);
  const generated = renderResults(results);
  if (results.mode === "quick") {
    writeFileSync(join(resultsDir, "quick.json"), json);
    writeFileSync(join(resultsDir, "quick.md"), `${generated}\n`);
    const benchmarks = join(repoRoot, "BENCHMARKS.md");
    if (existsSync(benchmarks)) warnOfTypedFigures(readFileSync(benchmarks, "utf8"));
    return join(resultsDir, "quick.md");
  }
  writeFileSync(join(resultsDir, "latest.json"), json);
  const path = join(repoRoot, "BENCHMARKS.md");
  const current = existsSync(path) ? readFileSync(path, "utf8") : "";
  const start = current.indexOf(RESULTS_START);
  const end = current.indexOf(RESULTS_END);
  const next =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${generated}${current.slice(end + RESULTS_END.length)}`
      : `# Benchmarks\n\n${generated}\n`;
  writeFileSync(path, next);
  warnOfTypedFigures(next);
  return path;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.only === "metrics") {
    await runSectionAlone(options, "metrics", (apiUrl, pool, databaseUrl) => runMetrics(options, apiUrl, pool, databaseUrl, null));
    return;
  }
  if (options.only === "inbox") {
    await runSectionAlone(options, "inbox", (apiUrl, pool, databaseUrl) => runInbox(options, apiUrl, pool, databaseUrl, true));
    return;
  }
  if (options.only === "approvals") {
    await runApprovalsAlone(options);
    return;
  }
  if (options.only === "load") {
    await runLoadsAlone(options);
    return;
  }
  if (options.only === "profile") {
    await runProfileAlone(options);
    return;
  }
  const started = wallClock();
  const startedAt = new Date().toISOString();
  log(`${options.quick ? "quick" : "full"} run${options.workers > 1 ? `, saturation with ${options.workers} workers too` : ""}`);

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const databaseUrl = await recreateBenchDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const fakeSlack = await startFakeSlackApi();
  // Seals the `http` workload's connector secrets: the fixtures encrypt with it, the worker decrypts.
  const connectorKey = randomBytes(32);
  let stack: Stack | null = null;
  let receiver: ChildApp | null = null;
  try {
    const fixtures = await prepareRun(options, redis, pool, databaseUrl, connectorKey);
    const machine = await describeMachine(pool, redis);
    log(`database ${databaseUrl} ready; ${machine.cores} cores, ${machine.cpuModel}`);

    const raw = await runRaw(options, databaseUrl);
    await clearQueues(redis);

    const signingSecret = randomBytes(16).toString("hex");
    receiver = await startChildApp({
      name: "receiver",
      cwd: join(repoRoot, "bench"),
      script: "src/http/invoice-receiver.ts",
      env: { BENCH_RECEIVER_PORT: String(BENCH_RECEIVER_PORT) },
      readyUrl: `${receiverUrl}/healthz`,
    });
    const stackEnv = { CONNECTOR_SECRET_KEY: connectorKey.toString("hex") };
    stack = await startStack({ databaseUrl, redisUrl, profile: false, slack: { apiUrl: fakeSlack.apiUrl, signingSecret }, env: stackEnv });
    log("Leash api, worker and Slack bot started, and the http workload's receiver");
    const http = createHttpClient(stack.apiUrl);
    const leashPipeline = await createLeashPipeline({ http, fixtures, databaseUrl, redisUrl, tag: Date.now().toString(36),
      processes: leashProcesses(stack), slackCards: stack.slackbot !== null,
    });
    const runningStack = stack;
    const addWorkers: AddWorkers = async (count) => {
      const workers = await runningStack.addWorkers(count);
      return {
        processes: workers.map((worker, index) => ({ name: `worker ${index + 2}`, pid: worker.pid })),
        async stop() {
          await Promise.all(workers.map((worker) => worker.stop()));
          keepLogs(workers);
        },
      };
    };
    let leash: PipelineResults;
    let slack: SlackResult;
    let proposeAndWait: ProposeAndWaitResult;
    try {
      leash = await runPipeline(leashPipeline.pipeline, options, addWorkers);
      proposeAndWait = await runProposeAndWait(options, http, pool, fixtures);
      slack = await runSlackClicks(options, stack, leashPipeline.pipeline, signingSecret);
    } finally {
      await leashPipeline.close();
      http.close();
    }
    const httpWorkload = await runHttp(options, stack, pool, fixtures, receiver);
    const { history, exportOn } = await runHistory(options, stack, pool, fixtures);
    const metrics = await runMetrics(options, stack.apiUrl, pool, databaseUrl, leashProcesses(stack));
    const inbox = await runInbox(options, stack.apiUrl, pool, databaseUrl, false);
    await stack.stop();
    await receiver.stop();
    keepLogs([stack.api, stack.worker, stack.slackbot, receiver]);
    stack = null;
    receiver = null;
    if (!("notMeasured" in history.exportCsv)) {
      const fresh = await exportOnFreshApi(databaseUrl, exportOn, options.exportRows);
      if (fresh) history.exportCsvFreshApi = fresh;
    }

    stack = await startStack({ databaseUrl, redisUrl, profile: true, env: stackEnv });
    const profile = await runProfile(options, stack, fixtures, databaseUrl);
    stack = null;
    log(`micro-benchmarks: ${options.microCalls} calls each, one at a time`);
    const micro = await measureMicro(databaseUrl, options.microCalls);
    const mail = await measureMail();
    for (const call of [...micro, ...mail]) log(`  ${call.label}: ${call.cpuMsPerCall.toFixed(3)} ms CPU, wall p50 ${call.wallMs.p50.toFixed(2)} ms`);

    const results: BenchResults = {
      mode: options.quick ? "quick" : "full",
      startedAt,
      durationSeconds: (wallClock() - started) / 1000,
      machine,
      settings: {
        workerConcurrency: env.WORKER_CONCURRENCY ?? "worker default",
        dbPoolSize: env.DB_POOL_SIZE ?? "app default",
        approvalsUnderLoadRate: APPROVALS_UNDER_LOAD_RATE,
        agentKeys: AGENT_KEYS,
        saturationAgents: options.saturationAgents,
        workers: options.workers,
        passedThrough: passedThroughSettings(),
      },
      raw,
      leash,
      history,
      slack,
      proposeAndWait,
      http: httpWorkload,
      metrics,
      inbox,
      profile,
      micro,
      mail,
    };
    log(`report written to ${writeReport(results)} in ${(results.durationSeconds / 60).toFixed(1)} min`);
  } finally {
    await stack?.stop();
    await receiver?.stop();
    await clearQueues(redis).catch(() => undefined);
    redis.disconnect();
    await pool.end();
    await fakeSlack.close();
  }
}

await main();
