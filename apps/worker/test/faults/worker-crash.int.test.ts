import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { startFaultStack, type FaultStack } from "./fault-stack.ts";
import { freezeHoldingClaims } from "./in-flight.ts";
import { countOutcome, waitUntilSettled } from "./outcome.ts";
import { recordScenario } from "./scenario-results.ts";

const IN_FLIGHT = 2000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack();
});

afterAll(async () => {
  await stack.close();
});

/** Of `held`, those run again after the kill: executed, with a second `started` attempt. */
async function runAgain(held: number[]): Promise<number[]> {
  const started = await stack.db.actionEvent.groupBy({ by: ["actionId"], where: { actionId: { in: held }, type: "started" }, _count: { _all: true } });
  const executed = await stack.db.agentAction.findMany({ where: { id: { in: held }, status: "executed" }, select: { id: true } });
  const startedAgain = new Set(started.filter((row) => row._count._all >= 2).map((row) => row.actionId));
  return executed.map((row) => row.id).filter((id) => startedAgain.has(id));
}

describe("a worker killed with SIGKILL mid-run", () => {
  it("loses nothing and runs nothing twice: 2,000 actions, 2,000 effects", async () => {
    const startedAt = Date.now();
    const ids = await stack.proposeNotifications(IN_FLIGHT, "worker crash");
    const first = stack.spawnWorker();
    await waitFor(async () => (await stack.db.notification.count()) >= 300, { timeoutMs: 120_000, intervalMs: 5, what: "the first worker to get going" });
    // Killed at a moment it holds claims: the work cut off is real, not a quiet moment between jobs.
    const held = await freezeHoldingClaims(stack.db, first, ids);
    const atKill = await stack.db.notification.count();
    expect(await first.stop("SIGKILL")).toBeNull();
    expect(atKill).toBeLessThan(IN_FLIGHT);

    const second = stack.spawnWorker();
    await waitUntilSettled(stack.db, ids);

    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    // What the dead worker held, claimed and not committed, the next worker took over and ran once.
    expect(await runAgain(held)).toHaveLength(held.length);
    expect(await second.stop("SIGTERM")).toBe(0);
    await recordScenario(stack, "worker-sigkill", { actionIds: ids, outcome: figures, executedBeforeFault: atKill, serverErrors: null, startedAt }, { heldAtFault: held.length });
  });

  it("with two workers, the survivor takes over what the killed one held: 2,000 actions, 2,000 effects", async () => {
    const before = await stack.db.notification.count();
    const startedAt = Date.now();
    const ids = await stack.proposeNotifications(IN_FLIGHT, "one of two workers killed");
    const [doomed, survivor] = [stack.spawnWorker(), stack.spawnWorker()];
    await waitFor(async () => (await stack.db.notification.count()) - before >= 300, { timeoutMs: 120_000, intervalMs: 5, what: "both workers to get going" });
    const held = await freezeHoldingClaims(stack.db, doomed, ids);
    const atKill = (await stack.db.notification.count()) - before;
    expect(await doomed.stop("SIGKILL")).toBeNull();
    expect(atKill).toBeLessThan(IN_FLIGHT);

    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(await runAgain(held)).toHaveLength(held.length);
    expect(survivor.child.exitCode).toBeNull();
    await recordScenario(stack, "one-of-two-workers-sigkill", { actionIds: ids, outcome: figures, executedBeforeFault: atKill, serverErrors: null, startedAt }, { heldAtFault: held.length });
  });
});
