import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { Queue } from "bullmq";
import { createBullActionQueue, createRedisConnection, MAX_BATCH_SIZE, proposeBatch, queueNames, setPreference, silentLogger, systemClock, type CoreDeps } from "@leash/core";
import { createTestTenant, waitFor, type TestTenant } from "@leash/core/testing";
import { createDb, migrate, type Db } from "@leash/db";

import { freePort, startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis } from "./private-services.ts";

const appsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
/** Hash-tagged, as a Redis Cluster needs: every key of every queue lands in one slot. */
export const QUEUE_PREFIX = "{leash-faults}";

/** One of the real app processes (src/main.ts), started as a child process. */
export interface AppProcess {
  child: ChildProcess;
  /** Its Postgres connections' application_name, to find them in pg_stat_activity. */
  appName: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Sends a signal and waits for the process to end. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

/** The Redis a stack runs on: a private server by default, or a private cluster (see redis-cluster-failover.int.test.ts). */
export interface StackRedis {
  /** REDIS_URL of the apps: `redis://` or `redis+cluster://`. */
  url: string;
  destroy(): Promise<void>;
}

export interface FaultStack<R extends StackRedis = PrivateRedis> {
  postgres: PrivatePostgres;
  redis: R;
  databaseUrl: string;
  db: Db;
  deps: CoreDeps;
  tenant: TestTenant;
  /** Where each process's output goes; kept after the run when FAULT_TESTS_KEEP_LOGS=1. */
  logDir: string;
  spawnWorker(env?: Record<string, string>): AppProcess;
  spawnApi(port: number, env?: Record<string, string>): Promise<AppProcess>;
  /** Execution jobs in Redis still to run: waiting, prioritized, active or delayed. */
  pendingJobs(): Promise<number>;
  /**
   * Proposes `count` auto-approved notify actions in batches, as an agent; returns their ids. With
   * `backlog`, the execution queue is paused until the last one is enqueued, so that every job but
   * those the workers take first is still waiting in Redis afterwards, however fast they run.
   */
  proposeNotifications(count: number, label: string, options?: { backlog?: boolean }): Promise<number[]>;
  close(): Promise<void>;
}

/**
 * A private Postgres cluster and Redis server (so a test can crash them), a migrated database with
 * one tenant whose notify actions are auto-approved, and the real worker and API as child processes.
 */
export async function startFaultStack(options?: { durablePostgres?: boolean }): Promise<FaultStack>;
export async function startFaultStack<R extends StackRedis>(options: { durablePostgres?: boolean; startRedis: () => Promise<R> }): Promise<FaultStack<R>>;
export async function startFaultStack({
  durablePostgres = false,
  startRedis = startPrivateRedis,
}: { durablePostgres?: boolean; startRedis?: () => Promise<StackRedis> } = {}): Promise<FaultStack<StackRedis>> {
  const [postgres, redis] = await Promise.all([startPrivatePostgres({ durable: durablePostgres }), startRedis()]);
  const logDir = await mkdtemp(join(tmpdir(), "leash-faults-logs-"));
  const admin = createDb({ connectionString: postgres.url("postgres"), maxConnections: 1 });
  await admin.$executeRaw`CREATE DATABASE leash`;
  await admin.$disconnect();
  const databaseUrl = postgres.url("leash");
  await migrate({ connectionString: databaseUrl });

  const db = createDb({ connectionString: databaseUrl, maxConnections: 10 });
  // The test's own producer, made as the apps make theirs; the tests restart this Redis on purpose and the client reconnects by itself.
  const connection = createRedisConnection({ url: redis.url, role: "producer", name: "fault stack", logger: silentLogger() });
  const deps: CoreDeps = { db, queue: createBullActionQueue({ connection, prefix: QUEUE_PREFIX }), clock: systemClock, logger: silentLogger() };
  const executions = new Queue(queueNames.actions, { connection, prefix: QUEUE_PREFIX });
  executions.on("error", () => undefined);
  const tenant = await createTestTenant(db);
  await setPreference(deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });

  const children = new Set<ChildProcess>();
  let started = 0;
  const spawnApp = (app: "worker" | "api", env: Record<string, string>): AppProcess => {
    started += 1;
    const appName = `leash-faults-${started}-${app}`;
    const log = openSync(join(logDir, `${started}-${app}.log`), "a");
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: join(appsDir, app),
      // node-postgres takes PGAPPNAME as the application_name of every connection it opens.
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, QUEUE_PREFIX, LOG_LEVEL: "info", PGAPPNAME: appName, ...env },
      stdio: ["ignore", log, log],
    });
    closeSync(log);
    children.add(child);
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
    return {
      child,
      appName,
      exited,
      stop: (signal) => {
        child.kill(signal);
        return exited;
      },
    };
  };

  return {
    postgres,
    redis,
    databaseUrl,
    db,
    deps,
    tenant,
    logDir,
    spawnWorker: (env = {}) =>
      spawnApp("worker", {
        // Batches of the largest size (64, two in flight): a kill lands in the middle of a full batch.
        WORKER_CONCURRENCY: "128",
        WORKER_BATCH_SIZE: "64",
        WORKER_BATCHES_IN_FLIGHT: "2",
        WORKER_LOCK_MS: "3000",
        RECONCILE_INTERVAL_MS: "1000",
        RETRY_BASE_DELAY_MS: "200",
        RETRY_MAX_DELAY_MS: "2000",
        WORKER_HEALTH_PORT: "0",
        ...env,
      }),
    spawnApi: async (port, env = {}) => {
      const api = spawnApp("api", { API_PORT: String(port), ...env });
      await waitFor(
        async () => {
          if (api.child.exitCode !== null) throw new Error(`the API exited with code ${api.child.exitCode}; see ${logDir}`);
          return fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
        },
        // Starting through tsx takes a few seconds idle, and over 40 s when the machine's two cores are saturated.
        { timeoutMs: 120_000, intervalMs: 50, what: "the API to listen" },
      );
      return api;
    },
    pendingJobs: async () => {
      const counts = await executions.getJobCounts("waiting", "prioritized", "active", "delayed");
      return Object.values(counts).reduce((sum, value) => sum + value, 0);
    },
    proposeNotifications: async (count, label, { backlog = false } = {}) => {
      if (backlog) await executions.pause();
      const ids: number[] = [];
      for (let start = 0; start < count; start += MAX_BATCH_SIZE) {
        const { actions } = await proposeBatch(deps, {
          actor: tenant.agent,
          input: {
            actions: Array.from({ length: Math.min(MAX_BATCH_SIZE, count - start) }, (_, index) => ({
              actionType: "notify" as const,
              parameters: { channel: "in_app" as const, recipient: tenant.inbox, message: `${label} ${start + index}` },
            })),
          },
        });
        ids.push(...actions.map((action) => action.id));
      }
      if (backlog) await executions.resume();
      return ids;
    },
    close: async () => {
      await Promise.all(
        [...children].map((child) => {
          const exited = new Promise((resolve) => child.once("exit", resolve));
          child.kill("SIGKILL");
          return exited;
        }),
      );
      await Promise.all([deps.queue.close(), executions.close()]);
      connection.disconnect();
      await db.$disconnect();
      await Promise.all([postgres.destroy(), redis.destroy()]);
      if (process.env.FAULT_TESTS_KEEP_LOGS === "1") console.info(`[faults] process logs kept in ${logDir}`);
      else await rm(logDir, { recursive: true, force: true });
    },
  };
}

export { freePort };
