import { context, type Context } from "@opentelemetry/api";

import type { Actor } from "../actor.ts";
import type { CoreDeps } from "../deps.ts";
import { currentTraceparent } from "../observability/tracing.ts";
import type { ActionProposal } from "./proposal-schema.ts";
import type { ProposeResult } from "./propose-action.ts";
import { writeProposalBatch, type BatchedProposal } from "./write-proposal-batch.ts";

/** Proposals written together at most, unless the deployment sets its own figure (PROPOSAL_BATCH_SIZE). */
export const DEFAULT_PROPOSAL_BATCH_SIZE = 64;

/** Writes single proposals of concurrent requests together (group commit); `proposeAction` hands them here when its deps carry one. */
export interface ProposalBatcher {
  propose(request: {
    actor: Actor;
    proposal: ActionProposal;
    hash: string | undefined;
  }): Promise<ProposeResult>;
}

interface Waiting extends BatchedProposal {
  /** The request's trace context: a batch runs in its first request's, so its spans land in a live trace. */
  context: Context;
  resolve: (result: ProposeResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for proposals in one process. A proposal that finds no batch being written starts
 * one at the end of the current turn of the event loop (`setImmediate`, not a timer: requests whose
 * bodies arrived in the same turn join it, and a lone proposal waits for nothing else). Proposals
 * arriving while a batch is written wait for it to finish, then go together, up to `maxBatchSize`,
 * in the next. One batch at a time: each sees what the previous one committed, so the rules that
 * count (pending cap, auto-approval budgets) hold exactly among the proposals of this process.
 */
export function createProposalBatcher(
  deps: CoreDeps,
  options: { maxBatchSize?: number } = {},
): ProposalBatcher {
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? DEFAULT_PROPOSAL_BATCH_SIZE);
  const queue: Waiting[] = [];
  let writing = false;
  let scheduled = false;

  const writeNext = () => {
    scheduled = false;
    if (writing) return;
    const batch = queue.splice(0, maxBatchSize);
    const [first] = batch;
    if (!first) return;
    writing = true;
    context
      // The batch runs in its first request's trace, whose job continues from the enqueuing span
      // like a lone proposal's; each other request's job continues its own request's trace.
      .with(first.context, () => writeProposalBatch(deps, [{ ...first, trace: undefined }, ...batch.slice(1)]))
      .then(
        (outcomes) => {
          const retries: Waiting[] = [];
          batch.forEach((waiting, index) => {
            const outcome = outcomes[index] ?? { error: new Error("proposal was not stored") };
            if ("retry" in outcome) retries.push(waiting);
            else if ("result" in outcome) waiting.resolve(outcome.result);
            else waiting.reject(outcome.error);
          });
          // Ahead of later arrivals: a retried proposal keeps its place.
          queue.unshift(...retries);
          deps.logger.debug({ proposals: batch.length, retried: retries.length }, "proposal batch written");
        },
        (error: unknown) => {
          for (const waiting of batch) waiting.reject(error);
        },
      )
      .finally(() => {
        writing = false;
        writeNext();
      });
  };

  return {
    propose({ actor, proposal, hash }) {
      return new Promise<ProposeResult>((resolve, reject) => {
        queue.push({
          actor,
          proposal,
          hash,
          trace: currentTraceparent(),
          context: context.active(),
          resolve,
          reject,
        });
        if (writing || scheduled) return;
        scheduled = true;
        setImmediate(writeNext);
      });
    },
  };
}
