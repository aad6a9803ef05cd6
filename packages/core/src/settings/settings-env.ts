import { z } from "zod";

import { databasePoolers } from "@leash/db";

import { actionTypeModulesEnv } from "../action-types/load-action-type-modules.ts";
import { connectorKeyEnvSchema } from "../connectors/connector-secrets.ts";
import { DEFAULT_MAX_ATTEMPTS } from "../deps.ts";
import { DEFAULT_MAX_PENDING_ACTIONS } from "../proposals/check-pending-cap.ts";
import { clusterSeedsSchema, redisUrlSchema } from "../redis/parse-redis-url.ts";

/*
 * The settings several processes share, declared once and grouped by concern. Each app's env module
 * spreads the groups it needs into its own `createEnv` next to its own settings, so a shared setting
 * has one name, one default and one check everywhere. Core itself reads no environment.
 */

/** Where the data lives: PostgreSQL, Redis, and the key prefix of every queue (hash-tagged, which a Redis Cluster needs). */
export const storesEnv = {
  DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/leash"),
  /** `transaction` when DATABASE_URL points at a transaction-mode pooler (PgBouncer before 1.21): named prepared statements are turned off. */
  DATABASE_POOLER: z.enum(databasePoolers).default("none"),
  /**
   * One Redis server (`redis://`, `rediss://` for TLS), or a Redis Cluster as
   * `redis+cluster://[user:password@]host:port,host:port` (`rediss+cluster://` for TLS). Every
   * connection goes through resolveRedisUrl and createRedisConnection.
   */
  REDIS_URL: redisUrlSchema.default("redis://127.0.0.1:6379"),
  /**
   * A Redis Cluster's seed nodes, `host:port,host:port` (any of its nodes: the client discovers the
   * rest); REDIS_URL's username, password and TLS still apply. Unset: REDIS_URL alone says where Redis is.
   */
  REDIS_CLUSTER_NODES: clusterSeedsSchema.optional(),
  QUEUE_PREFIX: z.string().min(1).default("{leash}"),
  DB_POOL_SIZE: z.coerce.number().int().min(1).default(20),
};

/** What the engine's rules depend on: every app that proposes, decides, runs templates or rolls back reads the same figures. */
export const engineEnv = {
  ...actionTypeModulesEnv,
  /** Attempts an action gets before it is marked failed, stored with each action when it is proposed, run from a template or created by a rollback. */
  ACTION_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(25).default(DEFAULT_MAX_ATTEMPTS),
  /** Pending actions a tenant may have waiting for a decision; proposals and template runs beyond are refused (429). */
  MAX_PENDING_ACTIONS_PER_TENANT: z.coerce.number().int().min(1).default(DEFAULT_MAX_PENDING_ACTIONS),
  /** Encrypts connectors' secret headers and signing secrets at rest: 32 random bytes as 64 hex characters (`openssl rand -hex 32`); connectors cannot be created or called without it. */
  CONNECTOR_SECRET_KEY: connectorKeyEnvSchema,
};

/** Email and Slack: the worker delivers with them; the other apps refuse a proposal (or an edit) for a channel that is not configured. */
export const deliveryEnv = {
  /** The SMTP server email notifications and reminders go through, e.g. smtp://user:pass@mail.example.com:587; email is off without it. */
  SMTP_URL: z.url().optional(),
  /** The From of every email Leash sends; its domain also ends each Message-ID. */
  SMTP_FROM: z.string().min(3).default("Leash <leash@localhost>"),
  /** The Slack bot's token: the bot talks to Slack with it and the worker posts Slack notifications and reminders; Slack delivery is off without it. */
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  /** Overrides Slack's Web API base URL (tests point it at a local fake). */
  SLACK_API_URL: z.url().optional(),
};

/** Logs and Prometheus metrics. */
export const observabilityEnv = {
  /** The bearer token Prometheus scrapes /metrics with, 16 characters or more (the API on its port, the worker on WORKER_HEALTH_PORT, the bot on SLACKBOT_PORT); without it /metrics is not served. */
  METRICS_TOKEN: z.string().min(16).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
};

/** Where people open an action in the web console: the Slack cards' "Open in console" and the links in approval mail. */
export const consoleLinkEnv = {
  WEB_BASE_URL: z.url().default("http://127.0.0.1:3000"),
};
