import { closedLoop, openLoop, sleep, wallClock, type CallSample } from "../load.ts";
import type { Pipeline } from "../pipeline.ts";
import { startCpuCount } from "../process-cpu.ts";
import { distribution, perSecondCounts, type Distribution } from "../stats.ts";
import { waitForExecuted } from "./wait-for-executed.ts";

export interface LoadRunResult {
  /** Offered proposals per second, or null for the closed-loop saturation run. */
  offeredPerSecond: number | null;
  agents: number | null;
  durationSeconds: number;
  proposed: number;
  errors: number;
  firstError: string | null;
  notExecuted: number;
  proposeLatencyMs: Distribution;
  /** From the scheduled send of the propose call (client clock) to the action's executed_at (worker clock, same machine). */
  proposeToExecutedMs: Distribution;
  /** Executed actions per second, one sample per second of the measured window. */
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
}

export interface LoadShape {
  ratePerSecond?: number;
  agents?: number;
  durationMs: number;
  /** The first part of the run, not counted, while pools, JIT and caches warm up. */
  warmupMs: number;
}

/** How far behind (in seconds of offered load) a fixed load may fall before it is stopped: it bounds the run's length. */
export const MAX_LAG_SECONDS = 3;

const ok = <T>(sample: CallSample<T>): sample is CallSample<T> & { value: T } => sample.error === null && sample.value !== null;

/**
 * Drives one pipeline with proposals at a fixed rate (open loop) or as fast as `agents` callers
 * can (closed loop), samples the backlog, then waits for every action to execute.
 */
export async function runLoad(
  pipeline: Pipeline,
  shape: LoadShape,
  firstIndex: number,
): Promise<LoadRunResult> {
  const startedAt = wallClock();
  const cpuUsed = startCpuCount(pipeline.processes);
  const backlog: { at: number; count: number }[] = [];
  const sampling = new AbortController();
  const sampler = (async () => {
    while (!sampling.signal.aborted) {
      backlog.push({ at: wallClock(), count: await pipeline.backlog() });
      await sleep(500);
    }
  })();
  const call = (index: number) => pipeline.propose(firstIndex + index);
  const rate = shape.ratePerSecond;
  const lagging = (inFlight: number) =>
    rate !== undefined && wallClock() > startedAt + shape.warmupMs && inFlight + (backlog.at(-1)?.count ?? 0) > rate * MAX_LAG_SECONDS;
  const samples =
    rate !== undefined
      ? await openLoop({ ratePerSecond: rate, durationMs: shape.durationMs, call, shouldStop: lagging })
      : await closedLoop({ agents: shape.agents ?? 32, durationMs: shape.durationMs, call });
  const loadEnd = wallClock();
  sampling.abort();
  await sampler;

  const succeeded = samples.filter(ok);
  const executed = await waitForExecuted(
    pipeline,
    succeeded.map((sample) => sample.value),
  );
  const cpu = cpuUsed();
  const planned = rate === undefined ? null : Math.round((rate * shape.durationMs) / 1000);
  const stopped = planned !== null && samples.length < planned;
  // A run stopped early may not have outlived its warm-up: it is measured whole.
  const windowStart = stopped ? startedAt : startedAt + shape.warmupMs;
  const inWindow = succeeded.filter((sample) => sample.scheduledAt >= windowStart);
  const toExecuted = inWindow.flatMap((sample) => {
    const at = executed.get(sample.value);
    return at === undefined ? [] : [at - sample.scheduledAt];
  });
  const executedTimes = [...executed.values()];
  const lastExecuted = Math.max(...executedTimes);
  const backlogAt = (time: number) => backlog.reduce((best, point) => (Math.abs(point.at - time) < Math.abs(best.at - time) ? point : best), { at: 0, count: 0 }).count;
  const firstError = samples.find((sample) => sample.error !== null)?.error ?? null;
  return {
    offeredPerSecond: shape.ratePerSecond ?? null,
    agents: shape.agents ?? null,
    durationSeconds: shape.durationMs / 1000,
    proposed: succeeded.length,
    errors: samples.length - succeeded.length,
    firstError,
    notExecuted: succeeded.length - executed.size,
    proposeLatencyMs: distribution(inWindow.map((sample) => sample.latencyMs)),
    proposeToExecutedMs: distribution(toExecuted),
    executedPerSecond: distribution(perSecondCounts(executedTimes, windowStart, loadEnd)),
    sustainedPerSecond: executedTimes.length ? executedTimes.length / ((lastExecuted - startedAt) / 1000) : 0,
    backlogAtWindowStart: backlogAt(windowStart),
    backlogAtLoadEnd: backlogAt(loadEnd),
    stoppedAfterSeconds: stopped ? (Math.max(...samples.map((sample) => sample.scheduledAt)) - startedAt) / 1000 : null,
    drainMs: Math.max(0, lastExecuted - loadEnd),
    cpuMsPerAction: Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, executed.size ? ms / executed.size : Number.NaN])),
  };
}
