/** Sizes and durations of one run; `--quick` shrinks every one of them so a run fits in two minutes. */
export interface BenchOptions {
  quick: boolean;
  /** Worker processes of a second saturation run of each pipeline (`--workers N`); 1: no second run. */
  workers: number;
  /** Seconds each fixed offered load runs for; the first fifth is warm-up and is not counted. */
  loadSeconds: number;
  fixedRates: number[];
  /** Agents of the saturation run (closed loop, each waiting for its action to execute), the same for both pipelines. */
  saturationAgents: number;
  /** Calls of each micro-benchmark (one data-layer call, one at a time, in the harness). */
  microCalls: number;
  /** Agents calling `action.proposeAndWait` one call at a time each, and how many calls they make in all. */
  proposeAndWaitAgents: number;
  proposeAndWaitSamples: number;
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
  /** Pending actions of the inbox section's tenant, the decided actions before them, and the measured `GET /` requests and Chromium page loads. */
  inboxPending: number;
  inboxHistoryRows: number;
  inboxServerRequests: number;
  inboxBrowserLoads: number;
  /**
   * `--only metrics`: run that section alone and write it into the latest results of the same mode.
   * `--only approvals`: the latency figures at low load alone (approve → executed for Leash and the
   * baseline, proposeAndWait, Slack clicks), logged and kept beside the results, the report untouched.
   * `--only inbox`: the inbox section alone, written into the latest results of the same mode as metrics is.
   * `--only load`: the fixed loads and the saturation run of the baseline and of Leash alone (one worker
   * each, no approvals alongside), logged and kept beside the results, the report untouched: to compare
   * two versions of the code quickly.
   * `--only profile`: section 9's saturation run under `node --cpu-prof` alone, its summary logged and
   * its profiles left in `bench/results/profiles/` to read further, the report untouched.
   */
  only: (typeof sections)[number] | null;
}

const sections = ["metrics", "approvals", "inbox", "load", "profile"] as const;

/** The value after `name` in `args`, and its index; null when the option is absent. */
function valueOf(args: readonly string[], name: string): { value: string | undefined; at: number } | null {
  const at = args.indexOf(name);
  return at >= 0 ? { value: args[at + 1], at: at + 1 } : null;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = argv.filter((arg) => arg !== "--");
  const onlyArg = valueOf(args, "--only");
  const only = sections.find((section) => section === onlyArg?.value) ?? null;
  if (onlyArg && only === null) throw new Error(`--only takes one of: ${sections.join(", ")}`);
  const workersArg = valueOf(args, "--workers");
  const workers = workersArg ? Number(workersArg.value) : 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 8) throw new Error("--workers takes a whole number from 1 to 8");
  const known = new Set(["--quick", "--only", "--workers"]);
  const values = new Set([onlyArg?.at, workersArg?.at]);
  const unknown = args.filter((arg, index) => !known.has(arg) && !values.has(index));
  if (unknown.length) throw new Error(`unknown option ${unknown.join(" ")} (known: --quick, --workers N, --only ${sections.join("|")})`);
  const quick = args.includes("--quick");
  return quick
    ? {
        quick,
        workers,
        only,
        loadSeconds: 4,
        fixedRates: [50, 300, 600],
        saturationAgents: 128,
        proposeAndWaitAgents: 4,
        proposeAndWaitSamples: 40,
        microCalls: 300,
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
        inboxPending: 500,
        inboxHistoryRows: 20_000,
        inboxServerRequests: 10,
        inboxBrowserLoads: 5,
      }
    : {
        quick,
        workers,
        only,
        loadSeconds: 20,
        fixedRates: [50, 300, 600],
        saturationAgents: 128,
        proposeAndWaitAgents: 4,
        proposeAndWaitSamples: 200,
        microCalls: 2_000,
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
        inboxPending: 500,
        inboxHistoryRows: 20_000,
        inboxServerRequests: 30,
        inboxBrowserLoads: 30,
      };
}
