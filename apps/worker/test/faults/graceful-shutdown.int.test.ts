import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { runAgentCrowd } from "./agents.ts";
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

describe("SIGTERM under load", () => {
  it("the worker finishes what it started, takes nothing new, and exits 0; nothing is lost or run twice", async () => {
    const ids = await stack.proposeNotifications(IN_FLIGHT, "worker sigterm");
    const first = stack.spawnWorker({ WORKER_CONCURRENCY: "16" });
    await waitFor(async () => (await stack.db.notification.count({ where: { actionId: { in: ids } } })) >= 300, {
      timeoutMs: 120_000,
      intervalMs: 5,
      what: "a few hundred actions to execute",
    });
    expect(await first.stop("SIGTERM")).toBe(0);

    // No half-done action: nothing is left claimed, and every executed action has its one effect.
    expect(await stack.db.agentAction.count({ where: { id: { in: ids }, status: "executing" } })).toBe(0);
    const atStop = await countOutcome(stack.db, ids);
    expect(atStop.executed).toBeLessThan(IN_FLIGHT);
    expect(atStop.duplicated).toBe(0);
    expect(atStop.lost).toBe(IN_FLIGHT - atStop.executed);

    const second = stack.spawnWorker();
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    await report(stack.db, "worker SIGTERM", ids, { ...figures, faults: 1 });
    console.info(`[faults] worker SIGTERM: ${atStop.executed} executed before the stop, none left executing`);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(await second.stop("SIGTERM")).toBe(0);
  });

  it("the API answers the requests it took, refuses new connections, and exits 0; every accepted proposal executes once", async () => {
    const worker = stack.spawnWorker();
    const port = await freePort();
    const first = await stack.spawnApi(port);
    const exitCodes: Promise<number | null>[] = [];
    const restarts: Promise<unknown>[] = [];
    const run = await runAgentCrowd({
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: stack.tenant.keys.agent,
      inbox: stack.tenant.inbox,
      total: IN_FLIGHT,
      concurrency: 16,
      label: "api-sigterm",
      onAccepted: (count) => {
        if (count !== 500) return;
        const stopped = first.stop("SIGTERM");
        exitCodes.push(stopped);
        restarts.push(stopped.then(() => stack.spawnApi(port)));
      },
    });
    expect(await Promise.all(exitCodes)).toEqual([0]);
    await Promise.all(restarts);

    // A stopping API never answered with a server error.
    expect(run.serverErrors).toBe(0);
    const ids = [...run.accepted.values()];
    expect(new Set(ids).size).toBe(IN_FLIGHT);
    expect(await stack.db.agentAction.count({ where: { idempotencyKey: { startsWith: "api-sigterm-" } } })).toBe(IN_FLIGHT);
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    await report(stack.db, "API SIGTERM", ids, { ...figures, faults: 1 });
    console.info(`[faults] API SIGTERM: ${run.noAnswer} requests without an answer (retried), ${run.serverErrors} 5xx`);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(await worker.stop("SIGTERM")).toBe(0);
  });
});
