import { createEnv } from "@t3-oss/env-core";
import { z } from "zod";

import { actionTypeModulesEnv, connectorKeyEnvSchema } from "@leash/core";

export const env = createEnv({
  server: {
    ...actionTypeModulesEnv,
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/leash"),
    REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
    QUEUE_PREFIX: z.string().min(1).default("{leash}"),
    DB_POOL_SIZE: z.coerce.number().int().min(1).default(20),
    ACTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(3),
    /** Signs the session cookie; at least 32 characters, and required in production. */
    SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
    /** The SMTP server email notifications and reminders go through, e.g. smtp://user:pass@mail.example.com:587; email is off without it (only whether it is set matters here: the worker sends). */
    SMTP_URL: z.url().optional(),
    /** The From of every email Leash sends; its domain also ends each Message-ID. */
    SMTP_FROM: z.string().min(3).default("Leash <leash@localhost>"),
    /** Whether Slack delivery is on (the worker posts with it): proposals for the slack channel are refused without it. */
    SLACK_BOT_TOKEN: z.string().min(1).optional(),
    /** Encrypts connectors' secret headers and signing secrets at rest: 32 random bytes as 64 hex characters (`openssl rand -hex 32`); connectors cannot be created or called without it. */
    CONNECTOR_SECRET_KEY: connectorKeyEnvSchema,
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  },
  runtimeEnv: process.env,
  emptyStringAsUndefined: true,
});

/** A fixed secret for local development only; production refuses to start without its own. */
const DEVELOPMENT_SESSION_SECRET = "leash-development-session-secret-not-for-production";

export const sessionSecret = ((): string => {
  if (env.SESSION_SECRET) return env.SESSION_SECRET;
  if (env.NODE_ENV === "production") {
    throw new Error("SESSION_SECRET is required in production (at least 32 random characters, e.g. `openssl rand -hex 32`)");
  }
  return DEVELOPMENT_SESSION_SECRET;
})();
