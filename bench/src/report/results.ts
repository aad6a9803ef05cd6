import type { MachineInfo } from "../machine.ts";
import type { ApprovalResult } from "../scenarios/approvals.ts";
import type { BurstResult } from "../scenarios/burst.ts";
import type { HistoryResult } from "../scenarios/history.ts";
import type { HttpWorkloadResult } from "../scenarios/http-requests.ts";
import type { LoadRunResult } from "../scenarios/load-run.ts";
import type { MetricsResult } from "../scenarios/metrics.ts";
import type { SlackResult } from "../scenarios/slack-approvals.ts";

/** Everything one pipeline measured in the run. */
export interface PipelineResults {
  fixedLoads: LoadRunResult[];
  saturation: LoadRunResult;
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
  settings: { workerConcurrency: string; dbPoolSize: string; approvalsUnderLoadRate: number; agentKeys: number };
  raw: PipelineResults;
  leash: PipelineResults;
  history: HistoryResult;
  slack: SlackResult | { notMeasured: string };
  /** `http` actions through a connector next to a raw `fetch` loop, to the same local receiver. */
  http: HttpWorkloadResult;
  /** `metrics.summary` on a tenant of many actions; missing from runs before it existed. */
  metrics?: MetricsResult;
}
