import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { z } from "zod";

import { createRedisConnection, silentLogger } from "@leash/core";

import type { FaultStack, StackRedis } from "./fault-stack.ts";
import { countRecovery, type RunFigures } from "./outcome.ts";

/** A count as RELIABILITY.md writes it (2,000). */
export const figure = (value: number) => value.toLocaleString("en-US");

/** "1 action held", "2 actions held": the figure with its noun. */
const actionsHeld = (count: number) => `${figure(count)} action${count === 1 ? "" : "s"} held`;

/** One JSON file per scenario, committed: RELIABILITY.md's figures are rendered from them (reliability-report.ts). */
export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");

interface ScenarioInfo<Evidence extends string> {
  /** The row's name in RELIABILITY.md. */
  title: string;
  /** Counts, measured at the fault, showing it hit work really in flight. */
  evidence: readonly Evidence[];
  describe(evidence: Record<Evidence, number>): string;
}

const scenario = <Evidence extends string>(info: ScenarioInfo<Evidence>) => ({
  ...info,
  /** The sentence for a result read back from JSON; a count it lacks reads as NaN, visibly. */
  render: (recorded: Record<string, number>) =>
    info.describe(
      Object.fromEntries(info.evidence.map((key) => [key, recorded[key] ?? Number.NaN])) as Record<
        Evidence,
        number
      >,
    ),
});

/** Every scenario of the suite, in RELIABILITY.md's order; the report is written only when each passed in the run. */
export const scenarios = {
  "worker-sigkill": scenario({
    title: "worker SIGKILL, new worker started",
    evidence: ["heldAtFault"],
    describe: (e) =>
      `${actionsHeld(e.heldAtFault)} \`executing\` by the killed worker, each run again by the new one`,
  }),
  "one-of-two-workers-sigkill": scenario({
    title: "one of two workers SIGKILL, the survivor alone",
    evidence: ["heldAtFault"],
    describe: (e) =>
      `${actionsHeld(e.heldAtFault)} \`executing\` by the killed worker, each run again by the survivor`,
  }),
  "redis-restart": scenario({
    title: "Redis restart (every job lost), two workers",
    evidence: ["jobsAtFault"],
    describe: (e) => `${figure(e.jobsAtFault)} jobs waiting, active or delayed in Redis when it was killed`,
  }),
  "redis-flushall": scenario({
    title: "Redis `FLUSHALL`, two workers",
    evidence: ["jobsAtFault"],
    describe: (e) => `${figure(e.jobsAtFault)} jobs waiting, active or delayed in Redis when it was emptied`,
  }),
  "postgres-crash": scenario({
    title: "Postgres crash while agents propose through the API, two workers",
    evidence: ["acceptedAtFault", "downMs", "serverErrorsInOutage", "unansweredInOutage"],
    describe: (e) =>
      `${figure(e.acceptedAtFault)} proposals accepted when it crashed; down ${formatDuration(e.downMs)}; while it was away, ${figure(e.serverErrorsInOutage)} answers of 5xx (nothing of the inside in them) and ${figure(e.unansweredInOutage)} requests unanswered, all retried`,
  }),
  "api-sigkill": scenario({
    title: "API SIGKILL and restart while 16 agents propose",
    evidence: ["acceptedAtFault", "unanswered"],
    describe: (e) =>
      `${figure(e.acceptedAtFault)} proposals accepted at the kill; ${figure(e.unanswered)} requests cut or refused, all retried`,
  }),
  "worker-sigterm": scenario({
    title: "worker SIGTERM (exit 0), then a new worker",
    evidence: ["heldAtFault"],
    describe: (e) =>
      `${actionsHeld(e.heldAtFault)} \`executing\` at the signal, each finished by the stopping worker; none left \`executing\``,
  }),
  "api-sigterm": scenario({
    title: "API SIGTERM (exit 0) and restart while 16 agents propose",
    evidence: ["acceptedAtFault", "answeredAfterSignal", "unanswered"],
    describe: (e) =>
      `${figure(e.acceptedAtFault)} proposals accepted at the signal; ${figure(e.answeredAfterSignal)} requests sent before it answered after it; ${figure(e.unanswered)} refused, all retried`,
  }),
  "http-worker-sigkill": scenario({
    title: "worker SIGKILL while an `http` receiver holds its request, new worker started",
    evidence: ["deliveries", "idempotencyKeys"],
    describe: (e) =>
      `the receiver got the request ${figure(e.deliveries)} times, under ${figure(e.idempotencyKeys)} distinct idempotency key${e.idempotencyKeys === 1 ? "" : "s"}`,
  }),
  "pgbouncer-transaction-mode": scenario({
    title: "API and worker through PgBouncer 1.18 (transaction mode, `DATABASE_POOLER=transaction`): worker SIGKILL, then Redis `FLUSHALL` before the new worker",
    evidence: ["serverBackendsAtFault", "rollbacks", "auditEventsSealed"],
    describe: (e) =>
      `notify, create, update, link and delete actions, the last four approved through the API, and ${figure(e.rollbacks)} rollbacks; ${figure(e.serverBackendsAtFault)} Postgres connections served both apps' pools of 20 at the kill; ${figure(e.auditEventsSealed)} audit events sealed, the chain verified`,
  }),
  "two-apis-two-workers-sigkill": scenario({
    title: "two APIs behind haproxy (round robin) and two workers: one API and one worker SIGKILL, not restarted",
    evidence: ["acceptedAtFault", "unanswered", "throttledOf150", "heldAtFault"],
    describe: (e) =>
      `${figure(e.acceptedAtFault)} proposals accepted at the kills; ${actionsHeld(e.heldAtFault)} \`executing\` by the killed worker; ${figure(e.unanswered)} requests cut, all retried; before the kills, 150 invalid keys through the balancer were refused 429 ${figure(e.throttledOf150)} times (limit 100 per address per minute, counted once across both APIs)`,
  }),
  "redis-cluster-master-sigkill": scenario({
    title: "Redis Cluster (3 masters, 3 replicas): the queues' master SIGKILL while 16 agents propose through the API, two workers",
    evidence: ["acceptedAtFault", "jobsAtFault", "failoverMs", "nodeTimeoutMs"],
    describe: (e) =>
      `${figure(e.acceptedAtFault)} proposals accepted and ${figure(e.jobsAtFault)} jobs waiting, active or delayed on the killed master; its replica served the queues ${formatDuration(e.failoverMs)} after the kill (cluster-node-timeout ${formatDuration(e.nodeTimeoutMs)}); not restarted`,
  }),
};

export type ScenarioId = keyof typeof scenarios;
type EvidenceOf<Id extends ScenarioId> = Parameters<(typeof scenarios)[Id]["describe"]>[0];

const count = z.number().int().nonnegative();

export const scenarioResultSchema = z.object({
  scenario: z.string(),
  finishedAt: z.iso.datetime(),
  figures: z.object({
    inFlight: count,
    faults: count,
    executedBeforeFault: count,
    executed: count,
    lost: count,
    duplicated: count,
    terminalWithReason: count,
    requeuedByReconciler: count,
    attemptsStartedAgain: count,
    /** 5xx answers to the agents; null where no agent called the API. */
    serverErrors: count.nullable(),
    /** From the first action proposed to the last one settled. */
    durationMs: count,
  }),
  evidence: z.record(z.string(), count),
  services: z.object({
    postgres: z.string(),
    fsync: z.string(),
    synchronousCommit: z.string(),
    redis: z.string(),
  }),
});

export type ScenarioResult = z.infer<typeof scenarioResultSchema>;

export interface ScenarioRun {
  actionIds: number[];
  outcome: RunFigures;
  executedBeforeFault: number;
  serverErrors: number | null;
  /** Date.now() when the first action was proposed. */
  startedAt: number;
  /** Faults injected when more than one. */
  faults?: number;
}

async function describeServices(stack: FaultStack<StackRedis>): Promise<ScenarioResult["services"]> {
  const [settings] = await stack.db.$queryRaw<
    { version: string; fsync: string; synchronous_commit: string }[]
  >`
    SELECT current_setting('server_version') AS version, current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit`;
  // A waiting connection: this one read must not fail for being sent before the connection is up.
  const redis = createRedisConnection({ url: stack.redis.url, role: "worker", name: "scenario results", logger: silentLogger() });
  try {
    const info = await redis.info("server");
    return {
      postgres: settings?.version ?? "unknown",
      fsync: settings?.fsync ?? "unknown",
      synchronousCommit: settings?.synchronous_commit ?? "unknown",
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? "unknown",
    };
  } finally {
    redis.disconnect();
  }
}

/**
 * Writes a scenario's figures to results/<id>.json and prints them. Called last in a test, once
 * every assertion held, so a failed scenario leaves its previous result, which the report then
 * refuses as older than the run.
 */
export async function recordScenario<Id extends ScenarioId>(
  stack: FaultStack<StackRedis>,
  id: Id,
  run: ScenarioRun,
  evidence: EvidenceOf<Id>,
): Promise<ScenarioResult> {
  const durationMs = Date.now() - run.startedAt;
  const recovery = await countRecovery(stack.db, run.actionIds);
  const result: ScenarioResult = {
    scenario: id,
    finishedAt: new Date().toISOString(),
    figures: {
      ...run.outcome,
      faults: run.faults ?? 1,
      executedBeforeFault: run.executedBeforeFault,
      ...recovery,
      serverErrors: run.serverErrors,
      durationMs,
    },
    evidence,
    services: await describeServices(stack),
  };
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${id}.json`), `${JSON.stringify(result, null, 2)}\n`);
  console.info(`[faults] ${id}: ${JSON.stringify({ ...result.figures, ...evidence })}`);
  return result;
}

/** The scenario's last recorded result, or null when there is none (or it cannot be read). */
export function readScenarioResult(id: ScenarioId): ScenarioResult | null {
  try {
    return scenarioResultSchema.parse(JSON.parse(readFileSync(join(resultsDir, `${id}.json`), "utf8")));
  } catch {
    return null;
  }
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}
