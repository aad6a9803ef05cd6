import { Worker, type Job } from "bullmq";

import { createRedisConnection, queueNames, type Logger } from "@leash/core";

import type { BotDeps } from "../bot-deps.ts";
import { handleCardEvent, type CardOutcome } from "./handle-card-event.ts";

export interface CardWorker {
  close(): Promise<void>;
}

/** Consumes the action events core publishes and keeps each action's Slack card in sync with them. */
export async function startCardWorker(
  deps: BotDeps,
  options: { redisUrl: string; queuePrefix: string; teamId: string; logger: Logger; concurrency?: number },
): Promise<CardWorker> {
  // A worker blocks on Redis and must retry forever; see BullMQ's guide on connections.
  const connection = createRedisConnection({ url: options.redisUrl, role: "worker", name: "card worker", logger: options.logger });
  const worker = new Worker(queueNames.actionEvents, (job: Job, token?: string): Promise<CardOutcome> => handleCardEvent(deps, job, token, options), {
    connection,
    prefix: options.queuePrefix,
    concurrency: options.concurrency ?? 4,
  });
  worker.on("error", (error) => options.logger.error({ err: error.message }, "card worker error"));
  worker.on("failed", (job, error) => {
    if (job) options.logger.warn({ jobId: job.id, event: job.data as unknown, attempt: job.attemptsMade, err: error.message }, "card update failed");
  });
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
