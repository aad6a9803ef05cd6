import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { freePort, startFaultStack, type FaultStack } from "./fault-stack.ts";
import { runAgentCrowd } from "./agents.ts";
import { acceptedButNotStored, countOutcome, waitUntilSettled } from "./outcome.ts";
import { recordScenario } from "./scenario-results.ts";

const IN_FLIGHT = 2000;
const KILL_AT = 500;
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
    const atKill: Promise<number>[] = [];
    const startedAt = Date.now();
    const run = await runAgentCrowd({
      apiUrl: `http://127.0.0.1:${port}`,
      apiKey: stack.tenant.keys.agent,
      inbox: stack.tenant.inbox,
      total: IN_FLIGHT,
      concurrency: 16,
      label: "api-restart",
      onAccepted: (count) => {
        if (count === KILL_AT) {
          const killed = first.stop("SIGKILL");
          atKill.push(killed.then(() => stack.db.notification.count()));
          restarts.push(killed.then(() => stack.spawnApi(port)));
        }
      },
    });
    expect(await Promise.all(restarts)).toHaveLength(1);
    const [executedAtKill = 0] = await Promise.all(atKill);

    // The kill cut requests in flight (and refused them until the restart), and none was answered with a 5xx.
    expect(run.noAnswer).toBeGreaterThan(0);
    expect(run.serverErrors).toBe(0);
    const ids = [...run.accepted.values()];
    expect(new Set(ids).size).toBe(IN_FLIGHT);
    expect(await acceptedButNotStored(stack.db, run.accepted)).toEqual([]);
    // Retries with the same idempotency key did not make a second action.
    expect(await stack.db.agentAction.count()).toBe(IN_FLIGHT);
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    await recordScenario(
      stack,
      "api-sigkill",
      { actionIds: ids, outcome: figures, executedBeforeFault: executedAtKill, serverErrors: run.serverErrors, startedAt },
      { acceptedAtFault: KILL_AT, unanswered: run.noAnswer },
    );
  });
});
