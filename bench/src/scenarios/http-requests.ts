import type pg from "pg";
import { z } from "zod";

import type { ExecutionWatch } from "../execution-watch.ts";
import type { HttpClient } from "../http-client.ts";
import { closedLoop, wallClock, type CallSample } from "../load.ts";
import { startCpuCount, type MeasuredProcess } from "../process-cpu.ts";
import { distribution, perSecondCounts, type Distribution } from "../stats.ts";

/** One side of the `http` workload: requests that reached the receiver and were answered 2xx. */
export interface HttpRunResult {
  requests: number;
  errors: number;
  firstError: string | null;
  /** Completed requests per second, one sample per second of the measured window. */
  perSecond: Distribution;
  /** Completed requests in the measured window divided by its length. */
  overallPerSecond: number;
  /** Leash: from the propose call's start to the first harness poll that saw the action executed; raw: the fetch call. */
  latencyMs: Distribution;
  /** CPU milliseconds each measured process spent per completed request over the run. */
  cpuMsPerRequest: Record<string, number>;
}

export interface HttpWorkloadResult {
  /** Agents proposing and waiting (Leash), fetch loops (raw): each has one request in flight at a time. */
  concurrency: number;
  durationSeconds: number;
  warmupSeconds: number;
  leash: HttpRunResult & {
    /** The propose call alone (the action is queued when it answers). */
    proposeCallMs: Distribution;
    /** The HTTP exchange inside the worker, as it recorded it in the action's result (`durationMs`). */
    exchangeMs: Distribution;
  };
  raw: HttpRunResult;
}

export interface HttpWorkloadOptions {
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  receiverUrl: string;
  tag: string;
}

const proposeAnswer = z.object({ action: z.object({ id: z.number(), status: z.string() }) });

const invoice = (tag: string, index: number) => ({ customer: `Bench customer ${index % 97}`, amount: 100 + (index % 900), currency: "EUR", reference: `${tag}-${index}` });

interface Completed {
  scheduledAt: number;
  completedAt: number;
}

/** The figures both sides report, from when each call was scheduled and when its request completed. */
function summarise(samples: CallSample<Completed>[], window: { from: number; to: number }, cpuMs: Record<string, number>): HttpRunResult {
  const completed = samples.flatMap((sample) => (sample.error === null && sample.value !== null ? [sample.value] : []));
  // Latency of every call started after the warm-up; rates count completions inside the window.
  const inWindow = completed.filter((call) => call.scheduledAt >= window.from);
  return {
    requests: completed.length,
    errors: samples.length - completed.length,
    firstError: samples.find((sample) => sample.error !== null)?.error ?? null,
    perSecond: distribution(perSecondCounts(completed.map((call) => call.completedAt), window.from, window.to)),
    overallPerSecond: completed.filter((call) => call.completedAt >= window.from && call.completedAt < window.to).length / ((window.to - window.from) / 1000),
    latencyMs: distribution(inWindow.map((call) => call.completedAt - call.scheduledAt)),
    cpuMsPerRequest: Object.fromEntries(Object.entries(cpuMs).map(([name, ms]) => [name, completed.length ? ms / completed.length : Number.NaN])),
  };
}

/** A bare loop of `fetch` calls to the receiver, `concurrency` at a time (fetch keeps its connections alive). */
export async function rawFetchRequests(options: HttpWorkloadOptions, processes: readonly MeasuredProcess[]): Promise<HttpRunResult> {
  const url = `${options.receiverUrl}/api/invoices`;
  const started = wallClock();
  const cpu = startCpuCount(processes);
  const samples = await closedLoop({
    agents: options.concurrency,
    durationMs: options.durationMs,
    call: async (index): Promise<Completed> => {
      const scheduledAt = wallClock();
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": `raw-${options.tag}-${index}` },
        body: JSON.stringify(invoice(options.tag, index)),
      });
      const body = await response.text();
      if (response.status !== 201) throw new Error(`the receiver answered ${response.status}: ${body.slice(0, 200)}`);
      return { scheduledAt, completedAt: wallClock() };
    },
  });
  return summarise(samples, { from: started + options.warmupMs, to: started + options.durationMs }, cpu());
}

/**
 * Agents propose auto-approved `http` actions through the real API, each waiting for its action to
 * execute before proposing the next; the worker sends them through the connector to the receiver.
 */
export async function leashHttpRequests(
  options: HttpWorkloadOptions & { http: HttpClient; pool: pg.Pool; executions: ExecutionWatch; agentKeys: readonly string[]; connector: string },
  processes: readonly MeasuredProcess[],
): Promise<HttpWorkloadResult["leash"]> {
  const proposeCalls: { scheduledAt: number; ms: number; id: number }[] = [];
  const started = wallClock();
  const cpu = startCpuCount(processes);
  const samples = await closedLoop({
    agents: options.concurrency,
    durationMs: options.durationMs,
    call: async (index): Promise<Completed> => {
      const scheduledAt = wallClock();
      const answer = proposeAnswer.parse(
        await options.http.mutation("action.propose", options.agentKeys[index % options.agentKeys.length] ?? "", {
          actionType: "http",
          parameters: { connector: options.connector, method: "POST", path: "/invoices", body: invoice(options.tag, index) },
          reason: `benchmark ${options.tag} #${index}`,
        }),
      );
      proposeCalls.push({ scheduledAt, ms: wallClock() - scheduledAt, id: answer.action.id });
      if (answer.action.status !== "approved") throw new Error(`action ${answer.action.id} was not auto-approved (${answer.action.status})`);
      options.executions.add([answer.action.id]);
      const ended = await options.executions.ended(answer.action.id, 30_000);
      if (ended.status !== "executed") throw new Error(`action ${answer.action.id} ended ${ended.status}`);
      return { scheduledAt, completedAt: ended.seenAt };
    },
  });
  const window = { from: started + options.warmupMs, to: started + options.durationMs };
  const measured = proposeCalls.filter((call) => call.scheduledAt >= window.from);
  const { rows } = await options.pool.query<{ ms: number }>(
    "SELECT (result->>'durationMs')::float8 AS ms FROM agent_action WHERE id = ANY($1) AND status = 'executed'",
    [measured.map((call) => call.id)],
  );
  return {
    ...summarise(samples, window, cpu()),
    proposeCallMs: distribution(measured.map((call) => call.ms)),
    exchangeMs: distribution(rows.map((row) => row.ms)),
  };
}
