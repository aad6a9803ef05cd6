import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import {
  figure,
  formatDuration,
  readScenarioResult,
  resultsDir,
  scenarios,
  type ScenarioId,
  type ScenarioResult,
} from "./scenario-results.ts";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
export const RELIABILITY_START =
  "<!-- faults:results:start (written by `pnpm test:faults`; edit outside these markers) -->";
export const RELIABILITY_END = "<!-- faults:results:end -->";

export interface SuiteRun {
  startedAt: string;
  durationMs: number;
  /** `git rev-parse --short HEAD` when the run started, or null outside a git checkout. */
  commit: string | null;
  /** Whether the code differed from that commit (the suite's own results and RELIABILITY.md left out). */
  uncommittedChanges: boolean;
  machine: { cpu: string; cores: number; memoryGb: number; loadAverage: number[]; node: string };
}

function git(args: string[]): string | null {
  try {
    return execFileSync("git", args, {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}

function describeCheckout(): Pick<SuiteRun, "commit" | "uncommittedChanges"> {
  const commit = git(["rev-parse", "--short", "HEAD"]);
  const resultsPath = relative(repoRoot, resultsDir);
  const changes =
    commit === null
      ? null
      : git(["status", "--porcelain", "--", ".", `:(exclude)${resultsPath}`, ":(exclude)RELIABILITY.md"]);
  return { commit, uncommittedChanges: Boolean(changes) };
}

export interface RecordedScenario {
  id: ScenarioId;
  result: ScenarioResult;
}

/** Which scenarios ran with which settings: the scenarios of the rarer ones by name, the most common as "every other scenario". */
function describeSettings(settings: Map<string, string[]>): string {
  const groups = [...settings].sort(([, a], [, b]) => a.length - b.length);
  return groups
    .map(([key, titles], index) => {
      if (index < groups.length - 1) return `${key} for ${titles.map((title) => `"${title}"`).join(", ")}`;
      return `${key} for ${groups.length === 1 ? "every scenario" : "every other scenario"}`;
    })
    .join("; ");
}

/** The generated part of RELIABILITY.md: the run, the machine, and one row per scenario. */
export function renderReliabilityBlock(run: SuiteRun, recorded: RecordedScenario[]): string {
  const started = new Date(run.startedAt);
  const when = `${started.toISOString().slice(0, 10)}, ${started.toISOString().slice(11, 16)} UTC`;
  const code =
    run.commit === null
      ? "code outside a git checkout"
      : `code at ${run.commit}${run.uncommittedChanges ? " with uncommitted changes" : ""}`;
  const { machine } = run;
  const settings = new Map<string, string[]>();
  for (const { id, result } of recorded) {
    const key = `fsync=${result.services.fsync}, synchronous_commit=${result.services.synchronousCommit}`;
    settings.set(key, [...(settings.get(key) ?? []), scenarios[id].title]);
  }
  const first = recorded[0]?.result;
  const rows = recorded.map(({ id, result }) => {
    const info = scenarios[id];
    const f = result.figures;
    const inFlight = f.serverErrors === null ? figure(f.inFlight) : `${figure(f.inFlight)} accepted`;
    const evidence = info.render(result.evidence);
    return `| ${info.title} | ${inFlight} | ${f.faults} | ${figure(f.executedBeforeFault)} | ${figure(f.executed)} | ${f.lost} | ${f.duplicated} | ${f.terminalWithReason} | ${figure(f.requeuedByReconciler)} | ${figure(f.attemptsStartedAgain)} | ${f.serverErrors === null ? "no API" : figure(f.serverErrors)} | ${formatDuration(f.durationMs)} | ${evidence} |`;
  });
  return [
    RELIABILITY_START,
    "",
    `Last run: ${when}, \`pnpm test:faults\`, ${recorded.length} scenarios and ${figure(recorded.reduce((sum, { result }) => sum + result.figures.inFlight, 0))} actions in ${formatDuration(run.durationMs)} (the whole suite, servers' start included), ${code}.`,
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, load average ${machine.loadAverage.join(" / ")} (1/5/15 min) when the run started; Node ${machine.node}; the suite's own PostgreSQL ${first?.services.postgres ?? "?"} and Redis ${first?.services.redis ?? "?"}.`,
    "",
    `Private Postgres settings: ${describeSettings(settings)}.`,
    "",
    "| Scenario | In flight | Faults injected | Executed before the fault | Executed once | Lost | Duplicated | Ended with a reason | Jobs re-enqueued by the reconciler | Attempts started again | 5xx answers | Duration | What the fault hit |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    RELIABILITY_END,
  ].join("\n");
}

/** The document with the block between the markers replaced, or null when the markers are missing. */
export function replaceReliabilityBlock(document: string, block: string): string | null {
  const start = document.indexOf(RELIABILITY_START);
  const end = document.indexOf(RELIABILITY_END);
  if (start < 0 || end < start) return null;
  return `${document.slice(0, start)}${block}${document.slice(end + RELIABILITY_END.length)}`;
}

/**
 * Vitest's global setup of the fault suite: notes the run's start, and at its end rewrites
 * RELIABILITY.md's block, only when every scenario recorded a result during this run (each records
 * after its assertions held, so a failed or filtered-out scenario keeps the block as it was).
 */
export default function setup(): () => void {
  const startedAt = new Date();
  const checkout = describeCheckout();
  const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100);
  return () => {
    const recorded: RecordedScenario[] = [];
    const missing: ScenarioId[] = [];
    for (const id of Object.keys(scenarios) as ScenarioId[]) {
      const result = readScenarioResult(id);
      if (result && new Date(result.finishedAt) >= startedAt) recorded.push({ id, result });
      else missing.push(id);
    }
    if (missing.length > 0) {
      console.info(`[faults] RELIABILITY.md left as it was: no result of this run for ${missing.join(", ")}`);
      return;
    }
    const run: SuiteRun = {
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      ...checkout,
      machine: {
        cpu: cpus()[0]?.model.trim() ?? "unknown CPU",
        cores: cpus().length,
        memoryGb: Math.round(totalmem() / 1024 ** 3),
        loadAverage,
        node: process.version,
      },
    };
    writeFileSync(join(resultsDir, "run.json"), `${JSON.stringify(run, null, 2)}\n`);
    const path = join(repoRoot, "RELIABILITY.md");
    const next = replaceReliabilityBlock(readFileSync(path, "utf8"), renderReliabilityBlock(run, recorded));
    if (next === null) {
      console.info(
        `[faults] RELIABILITY.md has no ${RELIABILITY_START} ... ${RELIABILITY_END} markers; figures left in ${resultsDir}`,
      );
      return;
    }
    writeFileSync(path, next);
    console.info(`[faults] RELIABILITY.md rewritten with the figures of this run`);
  };
}
