import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { runAgentCrowd } from "./agents.ts";
import { freePort, startFaultStack, type FaultStack } from "./fault-stack.ts";
import { freezeHoldingClaims } from "./in-flight.ts";
import { acceptedButNotStored, countOutcome, waitUntilSettled } from "./outcome.ts";
import { recordScenario } from "./scenario-results.ts";

const IN_FLIGHT = 2000;
const STOP_AT = 500;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack();
});

afterAll(async () => {
  await stack.close();
});

describe("SIGTERM under load", () => {
  it("the worker finishes what it started, takes nothing new, and exits 0; nothing is lost or run twice", async () => {
    const startedAt = Date.now();
    const ids = await stack.proposeNotifications(IN_FLIGHT, "worker sigterm");
    const first = stack.spawnWorker({ WORKER_CONCURRENCY: "16" });
    await waitFor(async () => (await stack.db.notification.count({ where: { actionId: { in: ids } } })) >= 300, {
      timeoutMs: 120_000,
      intervalMs: 5,
      what: "a few hundred actions to execute",
    });
    // Signalled at a moment it holds claims (the signal waits while it is frozen), so it has work to finish.
    const held = await freezeHoldingClaims(stack.db, first, ids);
    const atSignal = await stack.db.notification.count({ where: { actionId: { in: ids } } });
    const stopped = first.stop("SIGTERM");
    first.child.kill("SIGCONT");
    expect(await stopped).toBe(0);

    // No half-done action: nothing is left claimed, and every executed action has its one effect.
    expect(await stack.db.agentAction.count({ where: { id: { in: ids }, status: "executing" } })).toBe(0);
    const atStop = await countOutcome(stack.db, ids);
    expect(atStop.executed).toBeLessThan(IN_FLIGHT);
    expect(atStop.duplicated).toBe(0);
    expect(atStop.lost).toBe(IN_FLIGHT - atStop.executed);
    // What it held at the signal, it finished itself: executed, in the one attempt it started.
    const heldAfter = await stack.db.agentAction.findMany({ where: { id: { in: held } }, select: { status: true, attempts: true } });
    expect(heldAfter.filter((action) => action.status !== "executed" || action.attempts !== 1)).toEqual([]);

    const second = stack.spawnWorker();
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(await second.stop("SIGTERM")).toBe(0);
    await recordScenario(stack, "worker-sigterm", { actionIds: ids, outcome: figures, executedBeforeFault: atSignal, serverErrors: null, startedAt }, { heldAtFault: held.length });
  });

  it("the API answers the requests it took, refuses new connections, and exits 0; every accepted proposal executes once", async () => {
    const worker = stack.spawnWorker();
    const port = await freePort();
    const first = await stack.spawnApi(port);
    const exitCodes: Promise<number | null>[] = [];
    const restarts: Promise<unknown>[] = [];
    const signalledAt: number[] = [];
    const before = await stack.db.notification.count();
    const executedAtSignal: Promise<number>[] = [];
    const startedAt = Date.now();
    const run = await runAgentCrowd({
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: stack.tenant.keys.agent,
      inbox: stack.tenant.inbox,
      total: IN_FLIGHT,
      concurrency: 16,
      label: "api-sigterm",
      onAccepted: (count) => {
        if (count !== STOP_AT) return;
        signalledAt.push(Date.now());
        executedAtSignal.push(stack.db.notification.count().then((total) => total - before));
        const stopped = first.stop("SIGTERM");
        exitCodes.push(stopped);
        restarts.push(stopped.then(() => stack.spawnApi(port)));
      },
    });
    expect(await Promise.all(exitCodes)).toEqual([0]);
    await Promise.all(restarts);
    const [signal = 0] = signalledAt;
    const [executedBeforeSignal = 0] = await Promise.all(executedAtSignal);

    // A stopping API never answered with a server error; requests it had taken were answered after
    // the signal, and connections it no longer took were refused (and retried).
    expect(run.serverErrors).toBe(0);
    const answeredAfterSignal = run.requests.filter((request) => request.startedAt < signal && request.endedAt > signal && request.status === 200).length;
    expect(answeredAfterSignal).toBeGreaterThan(0);
    expect(run.noAnswer).toBeGreaterThan(0);
    const ids = [...run.accepted.values()];
    expect(new Set(ids).size).toBe(IN_FLIGHT);
    expect(await acceptedButNotStored(stack.db, run.accepted)).toEqual([]);
    expect(await stack.db.agentAction.count({ where: { idempotencyKey: { startsWith: "api-sigterm-" } } })).toBe(IN_FLIGHT);
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    expect(await worker.stop("SIGTERM")).toBe(0);
    await recordScenario(
      stack,
      "api-sigterm",
      { actionIds: ids, outcome: figures, executedBeforeFault: executedBeforeSignal, serverErrors: run.serverErrors, startedAt },
      { acceptedAtFault: STOP_AT, answeredAfterSignal, unanswered: run.noAnswer },
    );
  });
});
