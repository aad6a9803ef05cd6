import { openLoop } from "../load.ts";
import type { Pipeline } from "../pipeline.ts";
import { distribution, type Distribution } from "../stats.ts";
import { waitForExecuted } from "./wait-for-executed.ts";

export interface ApprovalResult {
  samples: number;
  errors: number;
  firstError: string | null;
  approveCallMs: Distribution;
  /** From the scheduled send of the approve call (client clock) to executed_at (worker clock, same machine). */
  approveToExecutedMs: Distribution;
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
  const executed = await waitForExecuted(
    pipeline,
    approved.map((sample) => sample.value),
  );
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
  };
}
