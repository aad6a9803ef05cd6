import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";

import { startChildApp, type ChildApp } from "./child-app.ts";
import { inheritedEnv } from "./env.ts";
import { profilesDir, repoRoot } from "./paths.ts";

export const BENCH_API_PORT = 3191;
export const BENCH_WORKER_HEALTH_PORT = 3192;
export const BENCH_QUEUE_PREFIX = "{leash-bench}";
export const BENCH_SLACKBOT_PORT = 3193;
/** The `http` workload's receiver (bench/src/http/invoice-receiver.ts). */
export const BENCH_RECEIVER_PORT = 3194;
/** The web console's server (apps/web/server/main.ts) for the inbox section. */
export const BENCH_CONSOLE_PORT = 3195;
/** Health ports of the workers `--workers N` adds: 3201, 3202, ... */
const EXTRA_WORKER_PORTS_FROM = 3201;

export interface Stack {
  apiUrl: string;
  databaseUrl: string;
  api: ChildApp;
  worker: ChildApp;
  slackbot: ChildApp | null;
  /** The Slack bot's base URL (its receiver is `/slack/events`), when it was started. */
  slackUrl: string | null;
  /** Starts `count` more worker processes on the same queue, as a second instance is started (`--workers N`). */
  addWorkers(count: number): Promise<ChildApp[]>;
  stop(): Promise<void>;
}

/** The real API and worker, started as `pnpm start` starts them, on the benchmark's database, queue prefix and ports. */
export async function startStack(options: {
  databaseUrl: string;
  redisUrl: string;
  profile: boolean;
  /** Starts the Slack bot too, talking to this Web API and verifying requests with this secret. */
  slack?: { apiUrl: string; signingSecret: string };
  env?: Record<string, string>;
}): Promise<Stack> {
  const env = {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
    ...options.env,
  };
  const profileDir = options.profile ? profilesDir : undefined;
  const startWorker = (name: string, port: number) =>
    startChildApp({
      name,
      cwd: join(repoRoot, "apps", "worker"),
      script: "src/main.ts",
      env: { ...env, WORKER_HEALTH_PORT: String(port) },
      readyUrl: `http://127.0.0.1:${port}/healthz`,
      ...(profileDir ? { profileDir } : {}),
    });
  const worker = await startWorker("worker", BENCH_WORKER_HEALTH_PORT);
  const api = await startChildApp({
    name: "api",
    cwd: join(repoRoot, "apps", "api"),
    script: "src/main.ts",
    // The rate limiter stays on (its Redis round trip is part of the cost measured) but high above the offered load.
    env: { API_RATE_LIMIT_PER_SECOND: "100000", ...env, API_HOST: "127.0.0.1", API_PORT: String(BENCH_API_PORT) },
    readyUrl: `http://127.0.0.1:${BENCH_API_PORT}/readyz`,
    ...(profileDir ? { profileDir } : {}),
  }).catch(async (error: unknown) => {
    await worker.stop();
    throw error;
  });
  const slackbot = options.slack
    ? await startChildApp({
        name: "slackbot",
        cwd: join(repoRoot, "apps", "slackbot"),
        script: "src/main.ts",
        env: {
          ...env,
          SLACK_BOT_TOKEN: "xoxb-bench",
          SLACK_SIGNING_SECRET: options.slack.signingSecret,
          SLACK_API_URL: options.slack.apiUrl,
          SLACKBOT_HOST: "127.0.0.1",
          SLACKBOT_PORT: String(BENCH_SLACKBOT_PORT),
        },
        readyUrl: `http://127.0.0.1:${BENCH_SLACKBOT_PORT}/healthz`,
        ...(profileDir ? { profileDir } : {}),
      }).catch(async (error: unknown) => {
        await Promise.all([api.stop(), worker.stop()]);
        throw error;
      })
    : null;
  return {
    apiUrl: `http://127.0.0.1:${BENCH_API_PORT}`,
    databaseUrl: options.databaseUrl,
    api,
    worker,
    slackbot,
    slackUrl: slackbot ? `http://127.0.0.1:${BENCH_SLACKBOT_PORT}` : null,
    async addWorkers(count) {
      const started: ChildApp[] = [];
      for (let index = 0; index < count; index += 1) started.push(await startWorker(`worker-${index + 2}`, EXTRA_WORKER_PORTS_FROM + index));
      return started;
    },
    async stop() {
      await Promise.all([api.stop(), worker.stop(), slackbot?.stop()]);
    },
  };
}

/** The API alone, as startStack starts it, for a section that needs nothing else (`--only metrics`). */
export async function startLoneApi(options: { databaseUrl: string; redisUrl: string }): Promise<ChildApp> {
  return startChildApp({
    name: "api",
    cwd: join(repoRoot, "apps", "api"),
    script: "src/main.ts",
    env: {
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      API_HOST: "127.0.0.1",
      API_PORT: String(BENCH_API_PORT),
    },
    readyUrl: `http://127.0.0.1:${BENCH_API_PORT}/readyz`,
  });
}

const webRoot = join(repoRoot, "apps", "web");

/**
 * The console built as `pnpm --filter @leash/web build` builds it, so that what is measured is the
 * code as it stands and not an earlier build left in apps/web/build.
 */
export async function buildConsole(): Promise<void> {
  await promisify(execFile)(join(webRoot, "node_modules", ".bin", "react-router"), ["build"], {
    cwd: webRoot,
    env: { ...inheritedEnv, NODE_ENV: "production" },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/** The built console served by its own server, as `pnpm --filter @leash/web start` runs it, on the benchmark's database. */
export async function startConsole(options: { databaseUrl: string; redisUrl: string }): Promise<{ app: ChildApp; url: string }> {
  const app = await startChildApp({
    name: "web",
    cwd: webRoot,
    script: "server/main.ts",
    env: {
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      SESSION_SECRET: randomBytes(32).toString("hex"),
      HOST: "127.0.0.1",
      PORT: String(BENCH_CONSOLE_PORT),
    },
    readyUrl: `http://127.0.0.1:${BENCH_CONSOLE_PORT}/healthz`,
  });
  return { app, url: `http://127.0.0.1:${BENCH_CONSOLE_PORT}` };
}
