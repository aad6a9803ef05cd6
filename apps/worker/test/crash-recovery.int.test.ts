import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeBatch, setPreference } from "@leash/core";
import { createTestEnvironment, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

const workerDir = join(dirname(fileURLToPath(import.meta.url)), "..");
let environment: TestEnvironment;
let tenant: TestTenant;
const children = new Set<ChildProcess>();

/** The real worker process (src/main.ts), on this file's database and queue prefix. */
function spawnWorker(): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: workerDir,
    env: {
      ...process.env,
      DATABASE_URL: environment.database.url,
      REDIS_URL: testRedisUrl,
      QUEUE_PREFIX: environment.queuePrefix,
      WORKER_CONCURRENCY: "4",
      WORKER_LOCK_MS: "3000",
      RECONCILE_INTERVAL_MS: "2000",
      WORKER_HEALTH_PORT: "0",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });
});

afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await environment.close();
});

describe("a worker killed with SIGKILL mid-run", () => {
  it("loses nothing and runs nothing twice: 1,000 actions, 1,000 effects", async () => {
    for (let batch = 0; batch < 10; batch++) {
      await proposeBatch(environment.deps, {
        actor: tenant.agent,
        input: {
          actions: Array.from({ length: 100 }, (_, index) => ({
            actionType: "notify" as const,
            parameters: { channel: "in_app" as const, recipient: "team", message: `message ${batch * 100 + index}` },
          })),
        },
      });
    }
    const first = spawnWorker();
    await waitFor(async () => (await environment.db.notification.count()) >= 150, { timeoutMs: 60_000, intervalMs: 5, what: "the first worker to get going" });
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const atKill = await environment.db.notification.count();
    expect(atKill).toBeLessThan(1000);

    spawnWorker();
    await waitFor(async () => (await environment.db.agentAction.count({ where: { status: "executed" } })) === 1000, {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: "all 1,000 actions to be executed",
    });

    const effects = await environment.db.$queryRaw<{ total: bigint; distinct_actions: bigint }[]>`
      SELECT count(*) AS total, count(DISTINCT action_id) AS distinct_actions FROM notification`;
    expect(Number(effects[0]?.total)).toBe(1000);
    expect(Number(effects[0]?.distinct_actions)).toBe(1000);
    const executedEvents = await environment.db.actionEvent.groupBy({ by: ["actionId"], where: { type: "executed" }, _count: { _all: true } });
    expect(executedEvents).toHaveLength(1000);
    expect(executedEvents.every((row) => row._count._all === 1)).toBe(true);
    expect(await environment.db.agentAction.count({ where: { status: { not: "executed" } } })).toBe(0);
  });
});
