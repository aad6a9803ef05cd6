import type { webApi } from "@slack/bolt";

import type { CoreDeps, RedisConnection } from "@leash/core";

/** What the bot's listeners and card worker run against, built once at start. */
export interface BotDeps {
  core: CoreDeps;
  /** Short-lived keys only: delivery dedupe and card locks. */
  redis: RedisConnection;
  /** Namespace of those keys (the queue prefix, so one deployment's keys stay together). */
  keyPrefix: string;
  /** The Web API client with the bot token, for work outside a request (cards, error replies). */
  slack: webApi.WebClient;
  webBaseUrl: string;
}
