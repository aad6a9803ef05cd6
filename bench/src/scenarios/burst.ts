import { executedTimes } from "../execution-watch.ts";
import type { Pipeline } from "../pipeline.ts";
import { distribution, type Distribution } from "../stats.ts";

export interface BurstResult {
  size: number;
  /** Seconds from the start of enqueuing to the harness seeing the last execution, one sample per repeat. */
  drainSeconds: Distribution;
  notExecuted: number;
}

/** Queues `size` approved actions at once, `repeats` times, and times how long the worker takes to drain them. */
export async function measureBurst(pipeline: Pipeline, size: number, repeats: number): Promise<BurstResult> {
  const drains: number[] = [];
  let notExecuted = 0;
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    await pipeline.maintain();
    const { ids, enqueuedAt } = await pipeline.burst(size);
    const executed = executedTimes(await pipeline.executions.settled(ids));
    notExecuted += ids.length - executed.size;
    drains.push((Math.max(...executed.values()) - enqueuedAt) / 1000);
  }
  return { size, drainSeconds: distribution(drains), notExecuted };
}
