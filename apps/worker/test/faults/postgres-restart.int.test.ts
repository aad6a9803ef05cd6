import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { runAgentCrowd } from "./agents.ts";
import { freePort, startFaultStack, type FaultStack } from "./fault-stack.ts";
import { acceptedButNotStored, countOutcome, waitUntilSettled } from "./outcome.ts";
import { recordScenario } from "./scenario-results.ts";

const IN_FLIGHT = 2000;
let stack: FaultStack;

beforeAll(async () => {
  // Commits flushed to disk as in production: a 200 the crash could take back would not count.
  stack = await startFaultStack({ durablePostgres: true });
});

afterAll(async () => {
  await stack.close();
});

describe("Postgres crashed and restarted while agents propose through the API", () => {
  it("every proposal answered 200 is in Postgres after recovery and executes exactly once; the API and two workers recover by themselves", async () => {
    const apiPort = await freePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const api = await stack.spawnApi(apiPort);
    const workers = [stack.spawnWorker(), stack.spawnWorker()];
    let accepted = 0;
    const startedAt = Date.now();
    const crowd = runAgentCrowd({
      apiUrl,
      apiKey: stack.tenant.keys.agent,
      inbox: stack.tenant.inbox,
      total: IN_FLIGHT,
      concurrency: 16,
      label: "postgres-crash",
      onAccepted: (count) => {
        accepted = count;
      },
    });
    await waitFor(async () => accepted >= 600 && (await stack.db.notification.count()) >= 300, {
      timeoutMs: 120_000,
      intervalMs: 5,
      what: "agents to have a few hundred proposals accepted and executed",
    });

    const acceptedAtFault = accepted;
    const atFault = await stack.db.notification.count();
    const crashedAt = Date.now();
    await stack.postgres.crash();
    expect((await fetch(`${apiUrl}/readyz`)).status).toBe(503);
    // Down for a while, as a real crash is, with the agents proposing all along.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await stack.postgres.start();
    const downMs = Date.now() - crashedAt;
    await waitFor(async () => (await fetch(`${apiUrl}/readyz`)).ok, { timeoutMs: 30_000, intervalMs: 20, what: "the API to be ready again" });
    const readyAt = Date.now();
    const run = await crowd;

    // The crash hit proposals in flight: some got no 200 while Postgres was away, and the rest came after.
    const inOutage = run.requests.filter((request) => request.endedAt >= crashedAt && request.startedAt <= readyAt);
    const failedInOutage = inOutage.filter((request) => request.status !== 200);
    expect(acceptedAtFault).toBeLessThan(IN_FLIGHT);
    expect(failedInOutage.length).toBeGreaterThan(0);
    // A 5xx is a database outage's "try again", never sent once the API is ready again, and tells nothing of the inside.
    const serverErrors = run.requests.filter((request) => request.status !== null && request.status >= 500);
    expect(serverErrors.filter((request) => request.startedAt > readyAt)).toEqual([]);
    // Each of them is the API's "unavailable, try again" (503 with Retry-After), not an internal error.
    expect(serverErrors.filter((request) => request.status !== 503)).toEqual([]);
    const inside = new RegExp(`${new URL(stack.databaseUrl).host}|127\\.0\\.0\\.1|localhost|ECONN|postgres|prisma|select |insert |/tmp/|/work/|node_modules|\\.ts:\\d`, "i");
    expect(serverErrors.filter((request) => inside.test(request.body ?? ""))).toEqual([]);

    const ids = [...run.accepted.values()];
    expect(new Set(ids).size).toBe(IN_FLIGHT);
    expect(await acceptedButNotStored(stack.db, run.accepted)).toEqual([]);
    // Retries with the same idempotency key, before and after the crash, made no second action.
    expect(await stack.db.agentAction.count({ where: { idempotencyKey: { startsWith: "postgres-crash-" } } })).toBe(IN_FLIGHT);
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });

    // Nobody was restarted by hand: the same processes answered and worked throughout.
    for (const process of [api, ...workers]) expect(process.child.exitCode).toBeNull();
    await recordScenario(
      stack,
      "postgres-crash",
      { actionIds: ids, outcome: figures, executedBeforeFault: atFault, serverErrors: serverErrors.length, startedAt },
      {
        acceptedAtFault,
        downMs,
        serverErrorsInOutage: failedInOutage.filter((request) => request.status !== null && request.status >= 500).length,
        unansweredInOutage: failedInOutage.filter((request) => request.status === null).length,
      },
    );
  });
});
