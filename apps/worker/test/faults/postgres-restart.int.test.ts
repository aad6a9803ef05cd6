import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { freePort, startFaultStack, type FaultStack } from "./fault-stack.ts";
import { countOutcome, report, waitUntilSettled } from "./outcome.ts";

const IN_FLIGHT = 2000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack();
});

afterAll(async () => {
  await stack.close();
});

describe("Postgres crashed and restarted mid-run", () => {
  it("workers and the API recover by themselves; 2,000 actions executed exactly once", async () => {
    const apiPort = await freePort();
    const api = await stack.spawnApi(apiPort);
    const workers = [stack.spawnWorker(), stack.spawnWorker()];
    const ids = await stack.proposeNotifications(IN_FLIGHT, "postgres restart");
    await waitFor(async () => (await stack.db.notification.count()) >= 300, { timeoutMs: 120_000, intervalMs: 5, what: "a few hundred actions to execute" });

    const atFault = await stack.db.notification.count();
    await stack.postgres.crash();
    const ready = await fetch(`http://127.0.0.1:${apiPort}/readyz`);
    expect(ready.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stack.postgres.start();

    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    await report(stack.db, "Postgres restart", ids, { ...figures, faults: 1 });
    console.info(`[faults] Postgres restart: ${atFault} executed before the crash`);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });

    // Nobody was restarted by hand: the same processes answer and work.
    for (const process of [api, ...workers]) expect(process.child.exitCode).toBeNull();
    await waitFor(async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok, { timeoutMs: 30_000, intervalMs: 100, what: "the API to be ready again" });
    const response = await fetch(`http://127.0.0.1:${apiPort}/trpc/action.propose`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${stack.tenant.keys.agent}` },
      body: JSON.stringify({ actionType: "notify", parameters: { channel: "in_app", recipient: stack.tenant.inbox, message: "after the restart" } }),
    });
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as { result: { data: { action: { id: number } } } };
    await waitUntilSettled(stack.db, [result.data.action.id], 30_000);
    expect(await countOutcome(stack.db, [result.data.action.id])).toMatchObject({ executed: 1, lost: 0, duplicated: 0 });
  });
});
