import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { actionTypeModulesEnv } from "@leash/core";

export const env = createEnv({
  server: {
    ...actionTypeModulesEnv,
    SLACK_BOT_TOKEN: z.string().min(1).optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    /** Set to use Socket Mode (no public URL needed) instead of HTTP. */
    SLACK_APP_TOKEN: z.string().min(1).optional(),
    /** Overrides Slack's Web API base URL (tests point it at a local fake). */
    SLACK_API_URL: z.url().optional(),
    SLACKBOT_HOST: z.string().default("127.0.0.1"),
    SLACKBOT_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
    /** Where people open an action in the web console ("Open in console"). */
    WEB_BASE_URL: z.url().default("http://127.0.0.1:3000"),
    DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/leash"),
    REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
    QUEUE_PREFIX: z.string().min(1).default("{leash}"),
    DB_POOL_SIZE: z.coerce.number().int().min(1).default(10),
    /** The bearer token Prometheus scrapes /metrics (on SLACKBOT_PORT) with, 16 characters or more; without it /metrics is not served. */
    METRICS_TOKEN: z.string().min(16).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});
