import { executedTimes, lateness } from "../execution-watch.ts";
import { openLoop } from "../load.ts";
import type { Pipeline } from "../pipeline.ts";
import { distribution, type Distribution } from "../stats.ts";

export interface ApprovalResult {
  samples: number;
  errors: number;
  firstError: string | null;
  approveCallMs: Distribution;
  /** From the scheduled send of the approve call to the first harness poll that saw the action executed. */
  approveToExecutedMs: Distribution;
  /** How late those observations can be (the poll period before each). */
  lateByAtMostMs: Distribution;
  /** Wall-clock ms (harness clock): the first and last approve calls' scheduled sends, and each approved action's observed execution. */
  timeline: { firstSentAt: number; lastSentAt: number; executedAt: number[] };
  /** Set when the approvals ran beside a load: whether they ran inside its measured window, as they must. */
  underLoad?: ApprovalsUnderLoad;
  /**
   * Set at low load: the `APPROVAL_WARMUP` approvals sent first and not counted, their approve →
   * executed (the first approvals a stack serves pay for its cold code paths). Missing from runs before it existed.
   */
  warmup?: { samples: number; approveToExecutedMs: Distribution };
}

/** Approvals sent before the ones measured at low load, for both pipelines, as a fixed load's first fifth is its warm-up. */
export const APPROVAL_WARMUP = 5;

export interface ApprovalsUnderLoad {
  /** Seconds from the load's start: its measured window (after the warm-up) to its last proposal, and the approvals' span. */
  loadWindowSeconds: [number, number];
  approvalsSeconds: [number, number];
  /** Approved actions seen executed before the load's last proposal was sent. */
  executedWhileLoadRan: number;
  /** True when every approval was sent after the warm-up and every approved action executed before the load ended. */
  valid: boolean;
}

/** Approves already proposed actions at a steady rate, one call each, and times each to its execution. */
export async function measureApprovals(pipeline: Pipeline, ids: readonly number[], ratePerSecond: number): Promise<ApprovalResult> {
  const samples = await openLoop({
    ratePerSecond,
    durationMs: (ids.length / ratePerSecond) * 1000,
    call: async (index) => {
      const id = ids[index];
      if (id === undefined) throw new Error("no action left to approve");
      await pipeline.approve(id);
      return id;
    },
  });
  const approved = samples.flatMap((sample) => (sample.error === null && sample.value !== null ? [{ ...sample, value: sample.value }] : []));
  const settled = await pipeline.executions.settled(approved.map((sample) => sample.value));
  const executed = executedTimes(settled);
  return {
    samples: approved.length,
    errors: samples.length - approved.length,
    firstError: samples.find((sample) => sample.error !== null)?.error ?? null,
    approveCallMs: distribution(approved.map((sample) => sample.latencyMs)),
    approveToExecutedMs: distribution(
      approved.flatMap((sample) => {
        const at = executed.get(sample.value);
        return at === undefined ? [] : [at - sample.scheduledAt];
      }),
    ),
    lateByAtMostMs: lateness(settled.values()),
    timeline: {
      firstSentAt: Math.min(...samples.map((sample) => sample.scheduledAt)),
      lastSentAt: Math.max(...samples.map((sample) => sample.scheduledAt)),
      executedAt: [...executed.values()],
    },
  };
}

/** Checks that approvals measured beside a load ran inside its measured window, from both timelines. */
export function checkUnderLoad(approvals: ApprovalResult, load: { startedAt: number; windowStart: number; lastProposalAt: number }): ApprovalsUnderLoad {
  const seconds = (at: number) => Math.round((at - load.startedAt) / 100) / 10;
  const executedWhileLoadRan = approvals.timeline.executedAt.filter((at) => at <= load.lastProposalAt).length;
  return {
    loadWindowSeconds: [seconds(load.windowStart), seconds(load.lastProposalAt)],
    approvalsSeconds: [seconds(approvals.timeline.firstSentAt), seconds(Math.max(approvals.timeline.lastSentAt, ...approvals.timeline.executedAt))],
    executedWhileLoadRan,
    valid: approvals.timeline.firstSentAt >= load.windowStart && approvals.errors === 0 && executedWhileLoadRan === approvals.samples,
  };
}
