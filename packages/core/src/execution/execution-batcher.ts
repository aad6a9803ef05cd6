import { context, type Context } from "@opentelemetry/api";

import type { ActionRegistry } from "../action-types/action-type-registry.ts";
import type { CoreDeps } from "../deps.ts";
import { executeActions, type ExecutionOutcome, type ExecutionRequest, type ExecutionSettings } from "./execute-actions.ts";

export const DEFAULT_EXECUTION_BATCH_SIZE = 64;
export const DEFAULT_EXECUTION_BATCHES_IN_FLIGHT = 2;

export interface ExecutionBatcherOptions extends ExecutionSettings {
  /** The most actions one batch claims and runs in one transaction. */
  maxBatchSize?: number;
  /**
   * How many batches may run at once. A handler that waits (an `http` action on a slow receiver)
   * holds up its own batch only; the others keep committing.
   */
  maxBatchesInFlight?: number;
  /** Told the size of each batch as it starts (metrics; tests assert on it). */
  onBatch?: (size: number) => void;
}

export interface ExecutionBatcher {
  /** Executes one job's action together with whatever else is ready; resolves with that action's own outcome. */
  execute(request: ExecutionRequest): Promise<ExecutionOutcome>;
}

interface Waiting {
  request: ExecutionRequest;
  /** The job's trace context: a batch's spans start in its first request's trace. */
  context: Context;
  resolve(outcome: ExecutionOutcome): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the worker: concurrent `execute` calls of one process share claims, transactions
 * and commits (`executeActions`). A request that finds a batch slot free starts a batch at once, so a
 * lone action waits for nothing; requests that arrive while every slot is busy are collected and
 * go together, up to `maxBatchSize`, as soon as a batch finishes. Nothing ever waits on a timer.
 * Each request still gets its own outcome, as early as it is known (see `onDecided`).
 */
export function createExecutionBatcher(deps: CoreDeps & { registry: ActionRegistry }, options: ExecutionBatcherOptions): ExecutionBatcher {
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_EXECUTION_BATCH_SIZE;
  const maxInFlight = options.maxBatchesInFlight ?? DEFAULT_EXECUTION_BATCHES_IN_FLIGHT;
  const settings: ExecutionSettings = {
    workerId: options.workerId,
    retryPolicy: options.retryPolicy,
    staleClaimMs: options.staleClaimMs,
    blockedRecheck: options.blockedRecheck,
  };
  const waiting: Waiting[] = [];
  let inFlight = 0;

  const runBatch = async (batch: Waiting[]) => {
    const settled = batch.map(() => false);
    const settle = (index: number, outcome: ExecutionOutcome) => {
      if (settled[index]) return;
      settled[index] = true;
      batch[index]?.resolve(outcome);
    };
    try {
      options.onBatch?.(batch.length);
      const outcomes = await context.with(batch[0]?.context ?? context.active(), () =>
        executeActions(deps, { ...settings, requests: batch.map((entry) => entry.request), onDecided: settle }),
      );
      outcomes.forEach((outcome, index) => settle(index, outcome));
    } catch (error) {
      // The batch's transaction failed as a whole (the database went away): each job fails as one alone would.
      batch.forEach((entry, index) => {
        if (!settled[index]) entry.reject(error);
      });
    }
  };

  const startBatches = () => {
    while (inFlight < maxInFlight && waiting.length > 0) {
      inFlight += 1;
      void runBatch(waiting.splice(0, maxBatchSize)).finally(() => {
        inFlight -= 1;
        startBatches();
      });
    }
  };

  return {
    execute(request) {
      return new Promise<ExecutionOutcome>((resolve, reject) => {
        waiting.push({ request, context: context.active(), resolve, reject });
        startBatches();
      });
    },
  };
}
