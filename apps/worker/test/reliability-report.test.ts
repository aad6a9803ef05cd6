import { describe, expect, it } from "vitest";

import {
  RELIABILITY_END,
  RELIABILITY_START,
  renderReliabilityBlock,
  replaceReliabilityBlock,
  type RecordedScenario,
  type SuiteRun,
} from "./faults/reliability-report.ts";
import type { ScenarioResult } from "./faults/scenario-results.ts";

const run: SuiteRun = {
  startedAt: "2026-12-05T09:07:30.000Z",
  durationMs: 185_000,
  commit: "abc1234",
  uncommittedChanges: true,
  machine: { cpu: "Test CPU", cores: 2, memoryGb: 24, loadAverage: [1.5, 1.25, 1], node: "v20.20.2" },
};

function result(overrides: {
  figures?: Partial<ScenarioResult["figures"]>;
  evidence: Record<string, number>;
  fsync?: string;
}): ScenarioResult {
  return {
    scenario: "unused by the renderer",
    finishedAt: "2026-12-05T09:08:00.000Z",
    figures: {
      inFlight: 2000,
      faults: 1,
      executedBeforeFault: 301,
      executed: 2000,
      lost: 0,
      duplicated: 0,
      terminalWithReason: 0,
      requeuedByReconciler: 1687,
      attemptsStartedAgain: 5,
      serverErrors: null,
      durationMs: 21_400,
      ...overrides.figures,
    },
    evidence: overrides.evidence,
    services: {
      postgres: "15.20",
      fsync: overrides.fsync ?? "off",
      synchronousCommit: "on",
      redis: "7.0.15",
    },
  };
}

describe("RELIABILITY.md's generated block", () => {
  it("replaces only what lies between the markers, and nothing when they are missing", () => {
    const document = `# Title\n\nBefore.\n\n${RELIABILITY_START}\nold figures\n${RELIABILITY_END}\n\nAfter.\n`;
    expect(replaceReliabilityBlock(document, `${RELIABILITY_START}\nnew\n${RELIABILITY_END}`)).toBe(
      `# Title\n\nBefore.\n\n${RELIABILITY_START}\nnew\n${RELIABILITY_END}\n\nAfter.\n`,
    );
    expect(replaceReliabilityBlock("# Title\n\nNo markers.\n", "block")).toBeNull();
    expect(replaceReliabilityBlock(`${RELIABILITY_END}\n${RELIABILITY_START}\n`, "block")).toBeNull();
  });

  it("states the run's date, commit and machine, each scenario's figures, and which Postgres settings each ran with", () => {
    const recorded: RecordedScenario[] = [
      { id: "worker-sigkill", result: result({ evidence: { heldAtFault: 7 } }) },
      { id: "redis-restart", result: result({ evidence: { jobsAtFault: 1701 } }) },
      {
        id: "postgres-crash",
        result: result({
          figures: { serverErrors: 812, durationMs: 64_000 },
          evidence: { acceptedAtFault: 600, downMs: 2_300, serverErrorsInOutage: 812, unansweredInOutage: 3 },
          fsync: "on",
        }),
      },
    ];
    const block = renderReliabilityBlock(run, recorded);

    expect(block.startsWith(RELIABILITY_START)).toBe(true);
    expect(block.endsWith(RELIABILITY_END)).toBe(true);
    expect(block).toContain(
      "Last run: 2026-12-05, 09:07 UTC, `pnpm test:faults`, 3 scenarios and 6,000 actions in 3 min 5 s",
    );
    expect(block).toContain("code at abc1234 with uncommitted changes");
    expect(block).toContain("Test CPU, 2 cores, 24 GB RAM, load average 1.5 / 1.25 / 1");
    expect(block).toContain(
      'Private Postgres settings: fsync=on, synchronous_commit=on for "Postgres crash while agents propose through the API, two workers"; fsync=off, synchronous_commit=on for every other scenario.',
    );
    expect(block).toContain(
      "| worker SIGKILL, new worker started | 2,000 | 1 | 301 | 2,000 | 0 | 0 | 0 | 1,687 | 5 | no API | 21 s | 7 actions held `executing` by the killed worker, each run again by the new one |",
    );
    expect(block).toContain(
      "| 1,687 | 5 | no API | 21 s | 1,701 jobs waiting, active or delayed in Redis when it was killed |",
    );
    expect(block).toContain(
      "| Postgres crash while agents propose through the API, two workers | 2,000 accepted |",
    );
    expect(block).toContain(
      "| 812 | 1 min 4 s | 600 proposals accepted when it crashed; down 2.3 s; while it was away, 812 answers of 5xx",
    );
  });

  it("shows a count missing from a recorded result as NaN rather than inventing one", () => {
    const block = renderReliabilityBlock({ ...run, commit: null }, [
      { id: "redis-restart", result: result({ evidence: {} }) },
    ]);
    expect(block).toContain("NaN jobs waiting, active or delayed in Redis");
    expect(block).toContain("code outside a git checkout");
  });
});
