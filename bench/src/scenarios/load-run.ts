import { executedTimes, lateness } from "../execution-watch.ts";
import { closedLoop, openLoop, sleep, wallClock, type CallSample } from "../load.ts";
import type { Pipeline } from "../pipeline.ts";
import { startMachineCpuCount, type MachineCpu } from "../machine-cpu.ts";
import { startCpuCount, startWriteCount, type MeasuredProcess } from "../process-cpu.ts";
import { distribution, perSecondCounts, type Distribution } from "../stats.ts";
import { countersPer, noCounters, readPostgresCounters, type PostgresCounters } from "./postgres-counters.ts";

export interface LoadRunResult {
  /** Offered proposals per second, or null for the closed-loop saturation run. */
  offeredPerSecond: number | null;
  agents: number | null;
  /** Worker processes of the pipeline during the run. */
  workers: number;
  durationSeconds: number;
  proposed: number;
  errors: number;
  firstError: string | null;
  notExecuted: number;
  proposeLatencyMs: Distribution;
  /** From the scheduled send of the propose call to the first harness poll that saw the action executed (both on the harness's clock). */
  proposeToExecutedMs: Distribution;
  /** How late those observations can be: the poll period before each (its commit lies inside it). */
  lateByAtMostMs: Distribution;
  /** Executed actions per second, one sample per second of the measured window (the saturation figure). */
  executedPerSecond: Distribution;
  /** All executed actions over the time from the first call to the last execution, drain included. */
  sustainedPerSecond: number;
  backlogAtWindowStart: number;
  backlogAtLoadEnd: number;
  /**
   * Seconds after which a fixed load was stopped because the pipeline fell more than
   * `MAX_LAG_SECONDS` of offered load behind (unanswered calls plus backlog) or 512 calls were
   * unanswered; null when it ran in full.
   */
  stoppedAfterSeconds: number | null;
  /** Time from the last propose call to the last execution. */
  drainMs: number;
  /** CPU milliseconds each of the pipeline's processes spent per executed action over the whole run, drain included. */
  cpuMsPerAction: Record<string, number>;
  /**
   * Write system calls each of those processes made per executed action over the whole run (sockets
   * above all: each statement, Redis command and HTTP answer is one). On a virtual machine each is
   * costly, so this says much of where `cpuMsPerAction` goes. Absent from runs made before it was counted.
   */
  writesPerAction?: Record<string, number>;
  /** The load generator's (the harness's) CPU time over the run divided by the run's wall time: near 1, it may be what limits the rate. */
  generatorBusy: number;
  /**
   * The whole machine's CPU over the whole run, drain included: near 1, every process waits for a
   * core and each hop of a request queues. Absent from runs made before it was measured.
   */
  machineCpu?: MachineCpu;
  /** PostgreSQL's own counters per action executed in the measured window, read at its start and its end. */
  postgresPerAction: PostgresCounters;
  /** Wall-clock ms (harness clock) when the run started, when its measured window started, and when its last proposal was sent. */
  timeline: { startedAt: number; windowStart: number; lastProposalAt: number };
}

export interface LoadShape {
  ratePerSecond?: number;
  /** Closed loop: agents that each propose, wait until the harness sees their action executed, and propose again. */
  agents?: number;
  durationMs: number;
  /** The first part of the run, not counted, while pools, JIT and caches warm up. */
  warmupMs: number;
  workers: number;
}

/** How far behind (in seconds of offered load) a fixed load may fall before it is stopped: it bounds the run's length. */
export const MAX_LAG_SECONDS = 3;

const ok = <T>(sample: CallSample<T>): sample is CallSample<T> & { value: T } => sample.error === null && sample.value !== null;

const generator: MeasuredProcess = { name: "load generator", pid: process.pid };

/**
 * Drives one pipeline with proposals at a fixed rate (open loop) or with `agents` callers that
 * each wait for their action to execute before proposing the next (closed loop: the saturation run,
 * whose backlog stays bounded by the agents, so the rate is what the whole pipeline sustains and
 * not how fast a producer fills a queue). Samples the backlog, then waits for every action to end.
 */
export async function runLoad(pipeline: Pipeline, shape: LoadShape, firstIndex: number): Promise<LoadRunResult> {
  const startedAt = wallClock();
  const cpuUsed = startCpuCount([...pipeline.processes, generator]);
  const machineCpuUsed = startMachineCpuCount();
  const writesMade = startWriteCount(pipeline.processes);
  // A failed reading leaves the counters unknown (NaN in the report) rather than ending the run.
  const postgresAtWindowStart = sleep(shape.warmupMs).then(readPostgresCounters).catch(() => noCounters);
  const backlog: { at: number; count: number }[] = [];
  const sampling = new AbortController();
  const sampler = (async () => {
    while (!sampling.signal.aborted) {
      backlog.push({ at: wallClock(), count: await pipeline.backlog() });
      await sleep(500);
    }
  })();
  const rate = shape.ratePerSecond;
  // The closed loop's samples time the whole wait: the propose call's own time is kept here.
  const proposeMs = new Map<number, number>();
  const lagging = (inFlight: number) =>
    rate !== undefined && wallClock() > startedAt + shape.warmupMs && inFlight + (backlog.at(-1)?.count ?? 0) > rate * MAX_LAG_SECONDS;
  const samples =
    rate !== undefined
      ? await openLoop({ ratePerSecond: rate, durationMs: shape.durationMs, call: (index) => pipeline.propose(firstIndex + index), shouldStop: lagging })
      : await closedLoop({
          agents: shape.agents ?? 32,
          durationMs: shape.durationMs,
          call: async (index) => {
            const sentAt = wallClock();
            const id = await pipeline.propose(firstIndex + index);
            proposeMs.set(id, wallClock() - sentAt);
            const ended = await pipeline.executions.ended(id);
            if (ended.status !== "executed") throw new Error(`action ${id} ended ${ended.status}`);
            return id;
          },
        });
  const loadEnd = wallClock();
  const postgresAtWindowEnd = await readPostgresCounters().catch(() => noCounters);
  const postgresWindowStart = await postgresAtWindowStart;
  sampling.abort();
  await sampler;

  const succeeded = samples.filter(ok);
  const settled = await pipeline.executions.settled(succeeded.map((sample) => sample.value));
  const executed = executedTimes(settled);
  const wallMs = wallClock() - startedAt;
  const { [generator.name]: generatorMs = 0, ...cpu } = cpuUsed();
  const machineCpu = machineCpuUsed();
  const writes = writesMade();
  const planned = rate === undefined ? null : Math.round((rate * shape.durationMs) / 1000);
  const stopped = planned !== null && samples.length < planned;
  // A run stopped early may not have outlived its warm-up: it is measured whole.
  const windowStart = stopped ? startedAt : startedAt + shape.warmupMs;
  // The closed loop's window ends at its deadline: calls still in flight then are its drain.
  const windowEnd = rate === undefined ? startedAt + shape.durationMs : loadEnd;
  const inWindow = succeeded.filter((sample) => sample.scheduledAt >= windowStart);
  const toExecuted = inWindow.flatMap((sample) => {
    const at = executed.get(sample.value);
    return at === undefined ? [] : [at - sample.scheduledAt];
  });
  const executedTimesMs = [...executed.values()];
  const lastExecuted = Math.max(...executedTimesMs);
  const lastProposalAt = Math.max(...samples.map((sample) => sample.scheduledAt));
  const backlogAt = (time: number) => backlog.reduce((best, point) => (Math.abs(point.at - time) < Math.abs(best.at - time) ? point : best), { at: 0, count: 0 }).count;
  const firstError = samples.find((sample) => sample.error !== null)?.error ?? null;
  const perAction = (value: number) => (executed.size ? value / executed.size : Number.NaN);
  return {
    offeredPerSecond: shape.ratePerSecond ?? null,
    agents: shape.agents ?? null,
    workers: shape.workers,
    durationSeconds: shape.durationMs / 1000,
    proposed: succeeded.length,
    errors: samples.length - succeeded.length,
    firstError,
    notExecuted: succeeded.length - executed.size,
    proposeLatencyMs: distribution(inWindow.map((sample) => (rate === undefined ? (proposeMs.get(sample.value) ?? Number.NaN) : sample.latencyMs))),
    proposeToExecutedMs: distribution(toExecuted),
    lateByAtMostMs: lateness(settled.values()),
    executedPerSecond: distribution(perSecondCounts(executedTimesMs, windowStart, windowEnd)),
    sustainedPerSecond: executedTimesMs.length ? executedTimesMs.length / ((lastExecuted - startedAt) / 1000) : 0,
    backlogAtWindowStart: backlogAt(windowStart),
    backlogAtLoadEnd: backlogAt(loadEnd),
    stoppedAfterSeconds: stopped ? (lastProposalAt - startedAt) / 1000 : null,
    drainMs: Math.max(0, lastExecuted - loadEnd),
    cpuMsPerAction: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, perAction(ms)])),
    writesPerAction: Object.fromEntries(Object.entries(writes).map(([name, count]) => [name, perAction(count)])),
    generatorBusy: generatorMs / wallMs,
    machineCpu,
    postgresPerAction: countersPer(
      postgresWindowStart,
      postgresAtWindowEnd,
      executedTimesMs.filter((time) => time >= startedAt + shape.warmupMs && time < loadEnd).length,
    ),
    timeline: { startedAt, windowStart, lastProposalAt },
  };
}
