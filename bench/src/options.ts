/** Sizes and durations of one run; `--quick` shrinks every one of them so a run fits in two minutes. */
export interface BenchOptions {
  quick: boolean;
  /** Start the apps with `node --cpu-prof` and keep their profiles in bench/results/profiles. */
  profile: boolean;
  /** Seconds each fixed offered load runs for; the first fifth is warm-up and is not counted. */
  loadSeconds: number;
  fixedRates: number[];
  /** Concurrent agents (closed loop) for the saturation run. */
  saturationAgents: number;
  approvalSamples: number;
  /** Approve calls per second in the approval scenarios. */
  approvalRate: number;
  /** Approve clicks sent to the Slack bot (at `approvalRate` per second). */
  slackSamples: number;
  burstSize: number;
  burstRepeats: number;
  historyRows: number;
  listCallsPerFilter: number;
  exportRows: number;
  /** Items the workload's updates and links are spread over. */
  itemCount: number;
  /** Seconds each side of the `http` workload (Leash, then the raw fetch loop) runs for; the first fifth is warm-up. */
  httpSeconds: number;
  /** Requests in flight on each side of the `http` workload: the worker's default concurrency. */
  httpConcurrency: number;
  /** Actions of the metrics tenant, spread over `metricsDays` days, and `metrics.summary` calls per window after the first. */
  metricsRows: number;
  metricsDays: number;
  metricsCalls: number;
  /** `--only metrics`: run that section alone and write it into the latest results of the same mode. */
  only: "metrics" | null;
}

const sections = ["metrics"] as const;

export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = argv.filter((arg) => arg !== "--");
  const onlyAt = args.indexOf("--only");
  const onlyValue = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
  const only = sections.find((section) => section === onlyValue) ?? null;
  if (onlyAt >= 0 && only === null) throw new Error(`--only takes one of: ${sections.join(", ")}`);
  const known = new Set(["--quick", "--profile", "--only"]);
  const unknown = args.filter((arg, index) => !known.has(arg) && !(onlyAt >= 0 && index === onlyAt + 1));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(" ")} (known: --quick, --profile, --only metrics)`);
  const quick = args.includes("--quick");
  const profile = args.includes("--profile");
  return quick
    ? {
        quick,
        profile,
        only,
        loadSeconds: 4,
        fixedRates: [50, 300, 600],
        saturationAgents: 48,
        approvalSamples: 30,
        approvalRate: 10,
        slackSamples: 20,
        burstSize: 1_000,
        burstRepeats: 1,
        historyRows: 50_000,
        listCallsPerFilter: 20,
        exportRows: 10_000,
        itemCount: 2_000,
        httpSeconds: 4,
        httpConcurrency: 16,
        metricsRows: 50_000,
        metricsDays: 30,
        metricsCalls: 5,
      }
    : {
        quick,
        profile,
        only,
        loadSeconds: 20,
        fixedRates: [50, 300, 600],
        saturationAgents: 48,
        approvalSamples: 150,
        approvalRate: 10,
        slackSamples: 150,
        burstSize: 10_000,
        burstRepeats: 1,
        historyRows: 1_000_000,
        listCallsPerFilter: 200,
        exportRows: 100_000,
        itemCount: 5_000,
        httpSeconds: 15,
        httpConcurrency: 16,
        metricsRows: 1_000_000,
        metricsDays: 30,
        metricsCalls: 15,
      };
}
