import type { AddressInfo } from "node:net";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAction, createActionCounters, createMetricsRegistry, createWorkerMetrics, metricsHandler, proposeAction, silentLogger, systemClock } from "@leash/core";
import { createTestEnvironment, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { createHealthServer } from "../src/health-server.ts";
import { createWorkerSamplers } from "../src/worker-samplers.ts";
import { startWorkerRuntime, type WorkerRuntime } from "../src/worker-runtime.ts";

const METRICS_TOKEN = "worker-scrape-token-0123456789";

let environment: TestEnvironment;
let tenant: TestTenant;
let worker: WorkerRuntime;
let connection: Redis;
let samplers: ReturnType<typeof createWorkerSamplers>;
let baseUrl: string;
let closeServer: () => Promise<void>;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  // As main.ts wires it: the registry, core's counters, the sampled gauges and the health server.
  const registry = createMetricsRegistry("worker");
  connection = new Redis(testRedisUrl, { maxRetriesPerRequest: 1 });
  samplers = createWorkerSamplers({ db: environment.db, connection, prefix: environment.queuePrefix, clock: systemClock });
  worker = await startWorkerRuntime({
    db: environment.db,
    redisUrl: testRedisUrl,
    queuePrefix: environment.queuePrefix,
    concurrency: 4,
    lockDurationMs: 5_000,
    retryPolicy: { baseDelayMs: 100, maxDelayMs: 2_000 },
    reconcileIntervalMs: 60_000,
    deadlineSweepIntervalMs: 60_000,
    logger: silentLogger(),
    ...(environment.deps.delivery ? { delivery: environment.deps.delivery } : {}),
    counters: createActionCounters(registry),
    metrics: createWorkerMetrics(registry, samplers),
  });
  const server = createHealthServer({ workerId: worker.workerId, stopping: () => false, serveMetrics: metricsHandler({ registry, token: METRICS_TOKEN }) });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closeServer = () => new Promise<void>((resolve) => server.close(() => resolve()));
});

afterAll(async () => {
  await closeServer();
  await worker.close();
  await samplers.close();
  connection.disconnect();
  await environment.close();
});

const scrape = (token?: string) => fetch(`${baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe("the worker's /metrics", () => {
  it("refuses a scrape without the token, and keeps /healthz open", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape("not-the-token-at-all")).status).toBe(401);
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  });

  it("serves the action counters, the queue and the audit gauges with the token", async () => {
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.agent,
      input: { actionType: "notify", parameters: { channel: "in_app", recipient: tenant.inbox, message: "metrics" } },
    });
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
    await waitFor(async () => (await environment.db.agentAction.findUnique({ where: { id: action.id } }))?.status === "executed", { what: "the action executed" });

    const response = await scrape(METRICS_TOKEN);
    expect(response.status).toBe(200);
    const text = await response.text();
    const names = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]));
    for (const name of [
      "leash_actions_executed_total",
      "leash_actions_failed_total",
      "leash_action_retries_total",
      "leash_action_execution_seconds",
      "leash_queue_jobs",
      "leash_queue_oldest_waiting_job_seconds",
      "leash_actions_oldest_approved_seconds",
      "leash_audit_sealing_lag_seconds",
      "leash_reconciler_requeued_total",
      "leash_process_cpu_seconds_total",
    ]) {
      expect(names, name).toContain(name);
    }
    expect(text).toMatch(/^leash_actions_executed_total\{[^}]*action_type="notify"[^}]*\} 1$/m);
    expect(text).toMatch(/^leash_queue_jobs\{[^}]*state="waiting"[^}]*\} \d+$/m);
    expect(text).toMatch(/^leash_actions_oldest_approved_seconds\{app="worker"\} 0$/m);
  });
});
