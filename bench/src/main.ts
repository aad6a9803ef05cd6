import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";

import { Redis } from "ioredis";
import pg from "pg";

import { BENCH_CONNECTOR, createFixtures, createMetricsTenant, recreateBenchDatabase, type BenchFixtures } from "./bench-database.ts";
import { startChildApp, type ChildApp } from "./child-app.ts";
import { env } from "./env.ts";
import { createHttpClient } from "./http-client.ts";
import { createLeashPipeline } from "./leash-pipeline.ts";
import { sleep, wallClock } from "./load.ts";
import { describeMachine } from "./machine.ts";
import { parseOptions, type BenchOptions } from "./options.ts";
import { sharedServices } from "./process-cpu.ts";
import { repoRoot, resultsDir } from "./paths.ts";
import type { Pipeline } from "./pipeline.ts";
import { createRawPipeline } from "./raw/raw-pipeline.ts";
import { createRawSchema, RAW_QUEUE_PREFIX } from "./raw/raw-schema.ts";
import { renderResults, RESULTS_END, RESULTS_START } from "./report/markdown.ts";
import type { BenchResults, PipelineResults } from "./report/results.ts";
import { measureApprovals, type ApprovalResult } from "./scenarios/approvals.ts";
import { measureBurst } from "./scenarios/burst.ts";
import { measureExport } from "./scenarios/export-csv.ts";
import { fillHistory, measureLists, type HistoryResult } from "./scenarios/history.ts";
import { leashHttpRequests, rawFetchRequests, type HttpWorkloadResult } from "./scenarios/http-requests.ts";
import { runLoad, type LoadRunResult } from "./scenarios/load-run.ts";
import { fillMetrics, measureMetrics, type MetricsResult } from "./scenarios/metrics.ts";
import { measureSlackApprovals, SLACK_APPROVER_ID, type SlackResult } from "./scenarios/slack-approvals.ts";
import { FAKE_TEAM, startFakeSlackApi } from "./slack/fake-slack-api.ts";
import { BENCH_API_PORT, BENCH_QUEUE_PREFIX, BENCH_RECEIVER_PORT, startLoneApi, startStack, type Stack } from "./stack.ts";

const AGENT_KEYS = 8;
const APPROVALS_UNDER_LOAD_RATE = 300;
const redisUrl = env.REDIS_URL;
const receiverUrl = `http://127.0.0.1:${BENCH_RECEIVER_PORT}`;

const log = (message: string) => process.stdout.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

async function clearQueues(redis: Redis): Promise<void> {
  for (const prefix of [BENCH_QUEUE_PREFIX, RAW_QUEUE_PREFIX]) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
}

/** The same sequence of scenarios for either pipeline, so every figure has its baseline beside it. */
async function runPipeline(pipeline: Pipeline, options: BenchOptions): Promise<PipelineResults> {
  const durationMs = options.loadSeconds * 1000;
  const warmupMs = durationMs / 5;
  let nextIndex = 0;
  const indexes = () => {
    nextIndex += 1_000_000;
    return nextIndex;
  };

  log(`${pipeline.name}: approve → executed at low load (${options.approvalSamples} approvals at ${options.approvalRate}/s)`);
  const approvalsAtLowLoad = await measureApprovals(pipeline, await pipeline.proposePending(options.approvalSamples), options.approvalRate);
  const pendingForLoad = await pipeline.proposePending(options.approvalSamples);

  const fixedLoads: LoadRunResult[] = [];
  let approvalsUnderLoad: ApprovalResult | null = null;
  for (const rate of options.fixedRates) {
    const withApprovals = rate === APPROVALS_UNDER_LOAD_RATE;
    log(`${pipeline.name}: ${rate}/s offered for ${options.loadSeconds} s${withApprovals ? ", with approvals alongside" : ""}`);
    const [run, approvals] = await Promise.all([
      runLoad(pipeline, { ratePerSecond: rate, durationMs, warmupMs }, indexes()),
      withApprovals ? sleep(warmupMs).then(() => measureApprovals(pipeline, pendingForLoad, options.approvalRate)) : null,
    ]);
    approvalsUnderLoad ??= approvals;
    fixedLoads.push(run);
    log(`  executed/s median ${run.executedPerSecond.p50}, propose p50 ${run.proposeLatencyMs.p50.toFixed(1)} ms, to executed p50/p99 ${run.proposeToExecutedMs.p50.toFixed(1)}/${run.proposeToExecutedMs.p99.toFixed(1)} ms, errors ${run.errors}${run.firstError ? ` (${run.firstError})` : ""}`);
    await sleep(1000);
  }
  if (!approvalsUnderLoad) throw new Error(`the ${APPROVALS_UNDER_LOAD_RATE}/s load must be among the fixed loads`);

  log(`${pipeline.name}: saturation, ${options.saturationAgents} agents for ${options.loadSeconds} s`);
  const saturation = await runLoad(pipeline, { agents: options.saturationAgents, durationMs, warmupMs }, indexes());
  log(`  sustained ${saturation.sustainedPerSecond.toFixed(0)}/s, executed/s median ${saturation.executedPerSecond.p50}, drain ${(saturation.drainMs / 1000).toFixed(1)} s, errors ${saturation.errors}${saturation.firstError ? ` (${saturation.firstError})` : ""}`);
  await sleep(1000);

  log(`${pipeline.name}: burst of ${options.burstSize} x ${options.burstRepeats}`);
  const burst = await measureBurst(pipeline, options.burstSize, options.burstRepeats);
  log(`  drained in ${burst.drainSeconds.p50.toFixed(2)} s (median)`);
  return { fixedLoads, saturation, approvalsAtLowLoad, approvalsUnderLoad, burst };
}

async function runRaw(options: BenchOptions, databaseUrl: string): Promise<PipelineResults> {
  const worker = await startChildApp({
    name: "raw-worker",
    cwd: join(repoRoot, "bench"),
    script: "src/raw/raw-worker.ts",
    env: { RAW_DATABASE_URL: databaseUrl, REDIS_URL: redisUrl },
  });
  const raw = createRawPipeline({ databaseUrl, redisUrl, targetCount: options.itemCount, workerPid: worker.pid });
  try {
    return await runPipeline(raw.pipeline, options);
  } finally {
    await worker.stop();
    keepLogs([worker]);
    await raw.close();
  }
}

async function runHistory(options: BenchOptions, stack: Stack, pool: pg.Pool, fixtures: BenchFixtures): Promise<HistoryResult> {
  log(`history: inserting ${options.historyRows} actions`);
  const insertSeconds = await fillHistory(pool, fixtures.history, options.historyRows);
  log(`  inserted in ${insertSeconds.toFixed(1)} s; action.list with each filter, ${options.listCallsPerFilter} calls each`);
  const http = createHttpClient(stack.apiUrl, { maxSockets: 4 });
  try {
    const lists = await measureLists({ pool, http, tenant: fixtures.history, apiKey: fixtures.history.adminKey, calls: options.listCallsPerFilter });
    for (const list of lists) log(`  ${list.label}: p50 ${list.leashMs.p50.toFixed(1)} ms, p99 ${list.leashMs.p99.toFixed(1)} ms (raw ${list.rawMs.p50.toFixed(2)})`);
    // The rows are spread evenly over a year: this window holds about `exportRows` of them.
    const spanMs = (365 * 86_400_000 * options.exportRows) / options.historyRows;
    const from = new Date(Date.now() - 364 * 86_400_000).toISOString();
    const to = new Date(Date.parse(from) + spanMs).toISOString();
    log(`history: CSV export of about ${options.exportRows} rows`);
    const exported = await measureExport({
      apiUrl: stack.apiUrl,
      apiKey: fixtures.history.adminKey,
      apiPid: stack.api.pid,
      query: new URLSearchParams({ from, to }).toString(),
      pool,
      rawSql: "SELECT * FROM agent_action WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3",
      rawParams: [fixtures.history.id, from, to],
    });
    return {
      rows: options.historyRows,
      insertSeconds,
      lists,
      exportCsv: exported ?? { notMeasured: "the API has no `GET /export/actions.csv` yet" },
    };
  } finally {
    http.close();
  }
}

/** The `http` workload: Leash's connector requests, then a raw `fetch` loop with as many in flight, to the same receiver. */
async function runHttp(options: BenchOptions, stack: Stack, pool: pg.Pool, fixtures: BenchFixtures, receiver: ChildApp): Promise<HttpWorkloadResult> {
  const durationMs = options.httpSeconds * 1000;
  const shape = { concurrency: options.httpConcurrency, durationMs, warmupMs: durationMs / 5, receiverUrl, tag: Date.now().toString(36) };
  const measuredReceiver = { name: "receiver", pid: receiver.pid };
  log(`http: ${options.httpConcurrency} agents proposing auto-approved http actions, each waiting for its execution, for ${options.httpSeconds} s`);
  const http = createHttpClient(stack.apiUrl, { maxSockets: options.httpConcurrency * 2 });
  let leash: HttpWorkloadResult["leash"];
  try {
    leash = await leashHttpRequests(
      { ...shape, http, pool, agentKeys: fixtures.agents.agentKeys, connector: BENCH_CONNECTOR },
      [{ name: "api", pid: stack.api.pid }, { name: "worker", pid: stack.worker.pid }, measuredReceiver, ...sharedServices],
    );
  } finally {
    http.close();
  }
  log(`  executed/s median ${leash.perSecond.p50}, propose → executed p50/p99 ${leash.latencyMs.p50.toFixed(1)}/${leash.latencyMs.p99.toFixed(1)} ms, errors ${leash.errors}${leash.firstError ? ` (${leash.firstError})` : ""}`);
  await sleep(1000);
  log(`http: raw fetch loop, ${options.httpConcurrency} in flight, for ${options.httpSeconds} s`);
  const raw = await rawFetchRequests(shape, [measuredReceiver, { name: "load generator (fetch)", pid: process.pid }]);
  log(`  requests/s median ${raw.perSecond.p50}, p50/p99 ${raw.latencyMs.p50.toFixed(2)}/${raw.latencyMs.p99.toFixed(2)} ms, errors ${raw.errors}${raw.firstError ? ` (${raw.firstError})` : ""}`);
  return { concurrency: options.httpConcurrency, durationSeconds: options.httpSeconds, warmupSeconds: shape.warmupMs / 1000, leash, raw };
}

/** `metrics.summary` for each window on a tenant filled with `metricsRows` actions, through the API at `apiUrl`. */
async function runMetrics(options: BenchOptions, apiUrl: string, pool: pg.Pool, databaseUrl: string, alone: boolean): Promise<MetricsResult> {
  const measuredAt = new Date().toISOString();
  const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100);
  const tenant = await createMetricsTenant(databaseUrl);
  log(`metrics: inserting ${options.metricsRows} actions over ${options.metricsDays} days`);
  const insertSeconds = await fillMetrics(pool, tenant, options.metricsRows, options.metricsDays);
  log(`  inserted in ${insertSeconds.toFixed(1)} s; metrics.summary, the first call then ${options.metricsCalls} more per input`);
  const http = createHttpClient(apiUrl, { maxSockets: 2 });
  try {
    const measured = await measureMetrics({ http, tenant, calls: options.metricsCalls });
    for (const call of measured.calls) log(`  ${call.label}: first ${call.firstMs.toFixed(0)} ms, then p50 ${call.ms.p50.toFixed(1)} ms, p99 ${call.ms.p99.toFixed(1)} ms`);
    return { measuredAt, alone, loadAverage, rows: options.metricsRows, days: options.metricsDays, insertSeconds, ...measured };
  } finally {
    http.close();
  }
}

/**
 * `--only metrics`: the metrics section alone, against the API alone, written into the latest
 * results of the same mode (whose other sections stay as measured) and from there into the report.
 */
async function runMetricsAlone(options: BenchOptions): Promise<void> {
  const resultsPath = join(resultsDir, options.quick ? "quick.json" : "latest.json");
  if (!existsSync(resultsPath)) throw new Error(`--only metrics writes into ${resultsPath}, which a whole run (pnpm bench${options.quick ? " --quick" : ""}) makes first`);
  const previous = JSON.parse(readFileSync(resultsPath, "utf8")) as BenchResults;
  const databaseUrl = await recreateBenchDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  let api: ChildApp | null = null;
  try {
    api = await startLoneApi({ databaseUrl, redisUrl });
    const metrics = await runMetrics(options, `http://127.0.0.1:${BENCH_API_PORT}`, pool, databaseUrl, true);
    await api.stop();
    keepLogs([api]);
    api = null;
    log(`report written to ${writeReport({ ...previous, metrics })}`);
  } finally {
    await api?.stop();
    await pool.end();
  }
}

/** The apps' logs (warnings and errors: they run with LOG_LEVEL=warn) go next to the results, to explain odd figures. */
function keepLogs(apps: readonly (ChildApp | null)[]): void {
  const dir = join(resultsDir, "logs");
  mkdirSync(dir, { recursive: true });
  for (const app of apps) if (app) writeFileSync(join(dir, `${app.name}.log`), app.output());
}

function writeReport(results: BenchResults): string {
  mkdirSync(resultsDir, { recursive: true });
  const json = JSON.stringify(results, null, 2);
  writeFileSync(join(resultsDir, `run-${results.startedAt.replaceAll(":", "-")}.json`), json);
  const generated = renderResults(results);
  if (results.mode === "quick") {
    writeFileSync(join(resultsDir, "quick.json"), json);
    writeFileSync(join(resultsDir, "quick.md"), `${generated}\n`);
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
  return path;
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (options.only === "metrics") {
    await runMetricsAlone(options);
    return;
  }
  const started = wallClock();
  const startedAt = new Date().toISOString();
  log(`${options.quick ? "quick" : "full"} run${options.profile ? " with CPU profiles" : ""}`);

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const databaseUrl = await recreateBenchDatabase();
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const fakeSlack = await startFakeSlackApi();
  // Seals the `http` workload's connector secrets: the fixtures encrypt with it, the worker decrypts.
  const connectorKey = randomBytes(32);
  let stack: Stack | null = null;
  let receiver: ChildApp | null = null;
  try {
    await clearQueues(redis);
    const client = await pool.connect();
    try {
      await createRawSchema(client, options.itemCount);
    } finally {
      client.release();
    }
    const fixtures = await createFixtures(databaseUrl, {
      itemCount: options.itemCount,
      agentKeys: AGENT_KEYS,
      slack: { teamId: FAKE_TEAM.teamId, channelId: FAKE_TEAM.channelId, userId: SLACK_APPROVER_ID },
      connector: { baseUrl: `${receiverUrl}/api`, key: connectorKey },
    });
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
    stack = await startStack({
      databaseUrl,
      redisUrl,
      profile: options.profile,
      slack: { apiUrl: fakeSlack.apiUrl, signingSecret },
      env: { CONNECTOR_SECRET_KEY: connectorKey.toString("hex") },
    });
    log("Leash api, worker and Slack bot started, and the http workload's receiver");
    const http = createHttpClient(stack.apiUrl);
    const leashPipeline = createLeashPipeline({ http, fixtures, databaseUrl, redisUrl, tag: Date.now().toString(36),
      processes: [{ name: "api", pid: stack.api.pid }, { name: "worker", pid: stack.worker.pid }, ...sharedServices],
    });
    let leash: PipelineResults;
    let slack: SlackResult;
    try {
      leash = await runPipeline(leashPipeline.pipeline, options);
      log(`slack: ${options.slackSamples} signed Approve clicks at ${options.approvalRate}/s`);
      const slackHttp = createHttpClient(stack.slackUrl ?? "", { maxSockets: 16 });
      try {
        slack = await measureSlackApprovals({
          http: slackHttp,
          signingSecret,
          pipeline: leashPipeline.pipeline,
          ids: await leashPipeline.pipeline.proposePending(options.slackSamples),
          ratePerSecond: options.approvalRate,
          cardsPosted: async (ids) => {
            const { rows } = await pool.query<{ count: string }>(
              "SELECT count(*) FROM agent_action WHERE id = ANY($1) AND slack_message_ts IS NOT NULL",
              [ids],
            );
            return Number(rows[0]?.count ?? 0);
          },
        });
      } finally {
        slackHttp.close();
      }
      log(`  ack p50/p99/max ${slack.ackMs.p50.toFixed(1)}/${slack.ackMs.p99.toFixed(1)}/${slack.ackMs.max.toFixed(1)} ms, click → executed p50 ${slack.clickToExecutedMs.p50.toFixed(1)} ms, errors ${slack.errors}${slack.firstError ? ` (${slack.firstError})` : ""}`);
    } finally {
      await leashPipeline.close();
      http.close();
    }
    const httpWorkload = await runHttp(options, stack, pool, fixtures, receiver);
    const history = await runHistory(options, stack, pool, fixtures);
    const metrics = await runMetrics(options, stack.apiUrl, pool, databaseUrl, false);
    await stack.stop();
    await receiver.stop();
    keepLogs([stack.api, stack.worker, stack.slackbot, receiver]);
    stack = null;
    receiver = null;

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
      },
      raw,
      leash,
      history,
      slack,
      http: httpWorkload,
      metrics,
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
