import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort, startFaultStack, type FaultStack } from "./fault-stack.ts";
import { runAgentCrowd } from "./agents.ts";
import { countOutcome, report, waitUntilSettled } from "./outcome.ts";

const IN_FLIGHT = 2000;
let stack: FaultStack;

beforeAll(async () => {
  stack = await startFaultStack();
});

afterAll(async () => {
  await stack.close();
});

describe("the API killed and restarted while agents propose", () => {
  it("loses no accepted proposal: every 200 answer's action is in Postgres and executes once", async () => {
    const port = await freePort();
    const first = await stack.spawnApi(port);
    stack.spawnWorker();

    const restarts: Promise<unknown>[] = [];
    const run = await runAgentCrowd({
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: stack.tenant.keys.agent,
      inbox: stack.tenant.inbox,
      total: IN_FLIGHT,
      concurrency: 16,
      label: "api-restart",
      onAccepted: (count) => {
        if (count === 500) {
          restarts.push(first.stop("SIGKILL").then(() => stack.spawnApi(port)));
        }
      },
    });
    expect(await Promise.all(restarts)).toHaveLength(1);

    const ids = [...run.accepted.values()];
    expect(new Set(ids).size).toBe(IN_FLIGHT);
    // Retries with the same idempotency key did not make a second action.
    expect(await stack.db.agentAction.count()).toBe(IN_FLIGHT);
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    await report(stack.db, "API SIGKILL and restart", ids, { ...figures, faults: 1 });
    console.info(`[faults] API SIGKILL and restart: ${run.noAnswer} requests without an answer, ${run.serverErrors} 5xx, all retried`);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
  });
});
