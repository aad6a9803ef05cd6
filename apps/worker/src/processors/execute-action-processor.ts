import { DelayedError, UnrecoverableError, type Job } from "bullmq";

import {
  contextFromTraceparent,
  executeActionJob,
  inSpan,
  markSpanFailed,
  queueNames,
  queueSpanAttributes,
  spanAttributes,
  type ExecutionBatcher,
  type ExecutionOutcome,
} from "@leash/core";

/**
 * Maps core's decision for one action to BullMQ: done, wait and come back, or stop for good. The
 * batcher runs the job's action together with the other jobs ready at the same time.
 */
export function createExecuteActionProcessor(batcher: ExecutionBatcher) {
  return async (job: Job, token?: string): Promise<ExecutionOutcome> => {
    const payload = executeActionJob.payload.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`Malformed job payload: ${payload.error.message}`);
    // BullMQ counts every start of the job, this one included: each return from a delay is one more.
    const earlierRuns = Math.max(0, job.attemptsStarted - 1);
    const { actionId, tenantId, trace } = payload.data;
    const attributes = { ...queueSpanAttributes(queueNames.actions, "process"), "messaging.message.id": job.id, [spanAttributes.actionId]: actionId, [spanAttributes.tenantId]: tenantId };
    // A child of the span that enqueued the job, so one trace follows the action from the API call to its commit.
    const outcome = await inSpan(`process ${queueNames.actions}`, { role: "consumer", parent: contextFromTraceparent(trace), attributes, unitOfWork: true }, async (span) => {
      const decided = await batcher.execute({ actionId, earlierRuns });
      span.setAttribute("leash.execution.outcome", decided.kind);
      if (decided.kind === "failed") markSpanFailed(span, decided.error);
      return decided;
    });
    switch (outcome.kind) {
      case "executed":
      case "skipped":
        return outcome;
      case "blocked":
      case "busy":
      case "retry":
        // Waiting does not use up one of BullMQ's attempts: retries are counted on the action itself.
        await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
        throw new DelayedError();
      case "failed":
        throw new UnrecoverableError(outcome.error);
    }
  };
}
