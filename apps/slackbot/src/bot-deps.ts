import type { webApi } from "@slack/bolt";
import type { Redis } from "ioredis";

import type { CoreDeps } from "@leash/core";

/** What the bot's listeners and card worker run against, built once at start. */
export interface BotDeps {
  core: CoreDeps;
  /** Short-lived keys only: delivery dedupe and card locks. */
  redis: Redis;
  /** Namespace of those keys (the queue prefix, so one deployment's keys stay together). */
  keyPrefix: string;
  /** The Web API client with the bot token, for work outside a request (cards, error replies). */
  slack: webApi.WebClient;
  webBaseUrl: string;
}
