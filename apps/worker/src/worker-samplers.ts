import { Queue, type ConnectionOptions } from "bullmq";

import { measureSealingLag, oldestApprovedAge, queueNames, type Clock, type WorkerSamplers } from "@leash/core";
import type { Db } from "@leash/db";

/**
 * What the worker's gauges read when Prometheus scrapes: the execution queue from Redis (on a queue
 * handle of their own, so a scrape never waits behind the workers' blocking connection), the oldest
 * approved action and the audit sealer's lag from Postgres. Nothing is read between scrapes.
 */
export function createWorkerSamplers(options: { db: Db; connection: ConnectionOptions; prefix: string; clock: Clock }): WorkerSamplers & { close(): Promise<void> } {
  const actions = new Queue(queueNames.actions, { connection: options.connection, prefix: options.prefix });
  return {
    jobCounts: () => actions.getJobCounts("waiting", "active", "delayed", "prioritized", "failed"),
    async oldestWaitingJobSeconds() {
      const [oldest] = await actions.getJobs(["waiting"], 0, 0, true);
      // A job that was delayed (a retry, a blocked action) has waited since its delay ended.
      return oldest ? Math.max(0, (options.clock.now().getTime() - oldest.timestamp - oldest.delay) / 1000) : null;
    },
    oldestApprovedSeconds: () => oldestApprovedAge({ db: options.db, now: options.clock.now() }),
    sealingLagSeconds: () => measureSealingLag({ db: options.db, now: options.clock.now() }),
    close: () => actions.close(),
  };
}
