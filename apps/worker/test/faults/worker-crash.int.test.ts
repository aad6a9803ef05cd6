import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { startFaultStack, type FaultStack } from "./fault-stack.ts";
import { countOutcome, report, waitUntilSettled } from "./outcome.ts";

const IN_FLIGHT = 2000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack();
});

afterAll(async () => {
  await stack.close();
});

describe("a worker killed with SIGKILL mid-run", () => {
  it("loses nothing and runs nothing twice: 2,000 actions, 2,000 effects", async () => {
    const ids = await stack.proposeNotifications(IN_FLIGHT, "worker crash");
    const first = stack.spawnWorker();
    await waitFor(async () => (await stack.db.notification.count()) >= 300, { timeoutMs: 120_000, intervalMs: 5, what: "the first worker to get going" });
    expect(await first.stop("SIGKILL")).toBeNull();
    const atKill = await stack.db.notification.count();
    expect(atKill).toBeLessThan(IN_FLIGHT);
    // What the dead worker left half-done: claimed, not committed. The next worker takes these over.
    const leftExecuting = await stack.db.agentAction.count({ where: { status: "executing" } });

    const second = stack.spawnWorker();
    await waitUntilSettled(stack.db, ids);

    const figures = await countOutcome(stack.db, ids);
    await report(stack.db, "worker SIGKILL", ids, { ...figures, faults: 1 });
    console.info(`[faults] worker SIGKILL: ${atKill} executed before the kill, ${leftExecuting} left executing by the dead worker`);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(await second.stop("SIGTERM")).toBe(0);
  });

  it("with two workers, the survivor takes over what the killed one held: 2,000 actions, 2,000 effects", async () => {
    const before = await stack.db.notification.count();
    const ids = await stack.proposeNotifications(IN_FLIGHT, "one of two workers killed");
    const [doomed, survivor] = [stack.spawnWorker(), stack.spawnWorker()];
    await waitFor(async () => (await stack.db.notification.count()) - before >= 300, { timeoutMs: 120_000, intervalMs: 5, what: "both workers to get going" });
    expect(await doomed.stop("SIGKILL")).toBeNull();
    const atKill = (await stack.db.notification.count()) - before;

    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    await report(stack.db, "one of two workers SIGKILL", ids, { ...figures, faults: 1 });
    console.info(`[faults] one of two workers SIGKILL: ${atKill} executed before the kill`);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(survivor.child.exitCode).toBeNull();
  });
});
