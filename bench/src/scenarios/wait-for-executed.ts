import { sleep, wallClock } from "../load.ts";
import type { Pipeline } from "../pipeline.ts";

/**
 * Polls until every action of `ids` has executed, or none of the others can any more (an action
 * that failed for good never executes), or `timeoutMs` passed. Answers the execution times found.
 */
export async function waitForExecuted(pipeline: Pipeline, ids: readonly number[], timeoutMs = 180_000): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  let outstanding = [...ids];
  const deadline = wallClock() + timeoutMs;
  while (outstanding.length > 0 && wallClock() < deadline) {
    const unfinished = await pipeline.unfinished(outstanding);
    for (const [id, at] of await pipeline.executedAt(outstanding)) found.set(id, at);
    outstanding = outstanding.filter((id) => !found.has(id));
    if (unfinished === 0) break;
    if (outstanding.length > 0) await sleep(200);
  }
  return found;
}
