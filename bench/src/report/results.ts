import type { MachineInfo } from "../machine.ts";
import type { ProfileSummary } from "./cpu-profile.ts";
import type { ApprovalResult } from "../scenarios/approvals.ts";
import type { BurstResult } from "../scenarios/burst.ts";
import type { HistoryResult } from "../scenarios/history.ts";
import type { HttpWorkloadResult } from "../scenarios/http-requests.ts";
import type { InboxResult } from "../scenarios/inbox.ts";
import type { LoadRunResult } from "../scenarios/load-run.ts";
import type { MetricsResult } from "../scenarios/metrics.ts";
import type { MicroResult } from "../scenarios/micro.ts";
import type { ProposeAndWaitResult } from "../scenarios/propose-and-wait.ts";
import type { SlackResult } from "../scenarios/slack-approvals.ts";

/** Everything one pipeline measured in the run. */
export interface PipelineResults {
  fixedLoads: LoadRunResult[];
  /** Closed loop, one worker process: the pipeline's sustained rate. */
  saturation: LoadRunResult;
  /** The same with `--workers N` worker processes; null when the run had one. */
  saturationWithWorkers: LoadRunResult | null;
  approvalsAtLowLoad: ApprovalResult;
  /** Approvals while the pipeline takes proposals at `approvalsUnderLoadRate`/s. */
  approvalsUnderLoad: ApprovalResult;
  burst: BurstResult;
}

export interface BenchResults {
  mode: "quick" | "full";
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  settings: {
    workerConcurrency: string;
    dbPoolSize: string;
    approvalsUnderLoadRate: number;
    agentKeys: number;
    saturationAgents: number;
    workers: number;
    /** The apps' batch, pool and concurrency settings found in the harness's environment, which the apps read as given. */
    passedThrough: Record<string, string>;
  };
  raw: PipelineResults;
  leash: PipelineResults;
  history: HistoryResult;
  slack: SlackResult | { notMeasured: string };
  /** Missing from runs before it existed, as `profile`. */
  proposeAndWait?: ProposeAndWaitResult;
  /** `http` actions through a connector next to a raw `fetch` loop, to the same local receiver. */
  http: HttpWorkloadResult;
  /** `metrics.summary` on a tenant of many actions; missing from runs before it existed. */
  metrics?: MetricsResult;
  /** The console's inbox with many pending actions, over HTTP and in Chromium; missing from runs before it existed. */
  inbox?: InboxResult;
  /** Where Leash's API and worker spend their CPU at saturation, from a run of its own under `node --cpu-prof`. */
  profile?: ProfileResult;
  /** One data-layer call at a time through Prisma and bare `pg`, in the harness. */
  micro?: MicroResult[];
  /** Email over SMTP, one message at a time (missing from runs before it was measured). */
  mail?: MicroResult[];
}

export interface ProfileResult {
  run: LoadRunResult;
  processes: ProfileSummary[];
}
