import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { MAX_BATCH_SIZE, proposeAction, proposeBatch, setPreference } from "@leash/core";
import { createTestEnvironment, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { startTestWorker } from "./support.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
  await setPreference(environment.deps, { actor: tenant.admin, input: { actionType: "notify", autoApprove: true } });
});

afterAll(async () => {
  await environment.close();
});

const notification = (message: string) => ({ actionType: "notify" as const, parameters: { channel: "in_app" as const, recipient: tenant.inbox, message } });

async function proposeNotifications(count: number, label: string): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < count; start += MAX_BATCH_SIZE) {
    const { actions } = await proposeBatch(environment.deps, {
      actor: tenant.agent,
      input: { actions: Array.from({ length: Math.min(MAX_BATCH_SIZE, count - start) }, (_, index) => notification(`${label} ${start + index}`)) },
    });
    ids.push(...actions.map((action) => action.id));
  }
  return ids;
}

const executedCount = (ids: number[]) => environment.db.agentAction.count({ where: { id: { in: ids }, status: "executed" } });

describe("the worker's execution batches", () => {
  it("a lone action is not held back for company: it runs in a batch of one", async () => {
    const sizes: number[] = [];
    const worker = await startTestWorker(environment, { onExecutionBatch: (size) => sizes.push(size) });
    try {
      const { action } = await proposeAction(environment.deps, { actor: tenant.agent, input: notification("alone") });
      await waitFor(async () => (await executedCount([action.id])) === 1, { what: "the lone action to execute" });
      expect(sizes).toEqual([1]);
    } finally {
      await worker.close();
    }
  });

  it("a backlog runs in batches of up to the limit, each action once", async () => {
    const ids = await proposeNotifications(300, "backlog");
    const sizes: number[] = [];
    const worker = await startTestWorker(environment, { concurrency: 64, executionBatchSize: 16, onExecutionBatch: (size) => sizes.push(size) });
    try {
      await waitFor(async () => (await executedCount(ids)) === ids.length, { timeoutMs: 120_000, what: "the backlog to execute" });
    } finally {
      await worker.close();
    }
    expect(Math.max(...sizes)).toBe(16);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBeGreaterThanOrEqual(ids.length);
    const effects = await environment.db.notification.groupBy({ by: ["actionId"], where: { actionId: { in: ids } }, _count: { _all: true } });
    expect(effects).toHaveLength(ids.length);
    expect(effects.every((row) => row._count._all === 1)).toBe(true);
    const started = await environment.db.actionEvent.count({ where: { actionId: { in: ids }, type: "started" } });
    expect(started).toBe(ids.length);
  });
});
