import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor } from "@leash/core/testing";

import { runAgentCrowd } from "./agents.ts";
import { freePort, startFaultStack, type AppProcess, type FaultStack } from "./fault-stack.ts";
import { freezeHoldingClaims } from "./in-flight.ts";
import { acceptedButNotStored, countOutcome, waitUntilSettled } from "./outcome.ts";
import { isBalancerPage, startPrivateBalancer, type PrivateBalancer } from "./private-balancer.ts";
import { recordScenario } from "./scenario-results.ts";
import { mustMutate, trpcMutation } from "./trpc-calls.ts";

const IN_FLIGHT = 2000;
const KILL_AT = 500;
const METRICS_TOKEN = "two-of-each-metrics-token";
let stack: FaultStack;
let apis: { process: AppProcess; url: string }[];
let workers: AppProcess[];
let balancer: PrivateBalancer;

beforeAll(async () => {
  stack = await startFaultStack();
  const ports = [await freePort(), await freePort()];
  apis = [];
  // One after the other: two starting at once on a busy machine can take longer than spawnApi waits.
  for (const port of ports) apis.push({ process: await stack.spawnApi(port, { METRICS_TOKEN }), url: `http://127.0.0.1:${port}` });
  workers = [stack.spawnWorker(), stack.spawnWorker()];
  balancer = await startPrivateBalancer(ports);
  // Five processes to start: beyond the suite's two-minute hook limit when the machine is busy.
}, 600_000);

afterAll(async () => {
  await balancer.stop();
  await stack.close();
});

/** Requests one API process answered with `code`, from its own /metrics. */
async function answeredWith(apiUrl: string, code: number): Promise<number> {
  const response = await fetch(`${apiUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("leash_api_requests_total{") && line.includes(`code="${code}"`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

describe("two APIs behind haproxy (round robin) and two workers", () => {
  let throttled = 0;

  it("counts refused API keys once across both APIs: of 150 invalid keys through the balancer, the last 50 are throttled", async () => {
    const statuses: (number | null)[] = [];
    for (let index = 0; index < 150; index++) {
      const answer = await trpcMutation(balancer.url, `leash_invalid_${index}`, "action.propose", { actionType: "notify", parameters: {} });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 100)).toEqual(Array.from({ length: 100 }, () => 401));
    expect(statuses.slice(100)).toEqual(Array.from({ length: 50 }, () => 429));
    throttled = statuses.filter((status) => status === 429).length;
    // Each API answered half of them: neither alone saw more than 100, so only a shared count refuses.
    const perApi = await Promise.all(apis.map(async (api) => (await answeredWith(api.url, 401)) + (await answeredWith(api.url, 429))));
    expect(perApi).toEqual([75, 75]);
    // The address stays throttled for a minute (keys then valid included): the next tests start afresh.
    await stack.redis.flushAll();
  });

  it("wakes a wait started on one API when the action is decided through the other", async () => {
    const [first, second] = apis as [(typeof apis)[number], (typeof apis)[number]];
    const { action } = await mustMutate<{ action: { id: number; status: string } }>(first.url, stack.tenant.keys.agent, "action.propose", {
      actionType: "create",
      targetType: "idea",
      parameters: { title: "Waited on across APIs", data: {} },
    });
    expect(action.status).toBe("pending");
    const waiting = mustMutate<{ done: boolean; action: { status: string } }>(first.url, stack.tenant.keys.agent, "action.wait", { actionId: action.id, waitSeconds: 25 });
    // The wait is open on the first API (it is counted against the key's slots there) before the other decides.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await mustMutate(second.url, stack.tenant.keys.approver, "action.reject", { actionId: action.id, reason: "decided on the other API" });
    // Answered done, not at the end of its 25 s with done: false: the change made through the other API woke it.
    expect(await waiting).toMatchObject({ done: true, action: { status: "rejected" } });
  });

  it("loses nothing and runs nothing twice when one API and one worker are killed mid-run, and not restarted", async () => {
    const [doomedApi, survivingApi] = apis as [(typeof apis)[number], (typeof apis)[number]];
    const [doomedWorker, survivingWorker] = workers as [AppProcess, AppProcess];
    const before = await stack.db.notification.count();
    const kills: Promise<{ executed: number; held: number }>[] = [];
    const startedAt = Date.now();
    const run = await runAgentCrowd({
      apiUrl: balancer.url,
      apiKey: stack.tenant.keys.agent,
      inbox: stack.tenant.inbox,
      total: IN_FLIGHT,
      concurrency: 16,
      label: "two-of-each",
      onAccepted: (count) => {
        if (count !== KILL_AT) return;
        kills.push(
          (async () => {
            // Read at each try: the proposals go on meanwhile, and the workers may have executed every earlier one.
            const ids = async () => (await stack.db.agentAction.findMany({ where: { tenantId: stack.tenant.id, actionType: "notify" }, select: { id: true } })).map((row) => row.id);
            const held = await freezeHoldingClaims(stack.db, doomedWorker, ids);
            const executed = (await stack.db.notification.count()) - before;
            await Promise.all([doomedApi.process.stop("SIGKILL"), doomedWorker.stop("SIGKILL")]);
            return { executed, held: held.length };
          })(),
        );
      },
    });
    const [atKill] = await Promise.all(kills);
    expect(atKill).toBeDefined();
    expect(doomedApi.process.child.signalCode).toBe("SIGKILL");
    expect(doomedWorker.child.signalCode).toBe("SIGKILL");

    // Requests cut by the kill came back as the balancer's 502 (or no answer) and were retried; no API
    // answered a 5xx but a 503 (the database busy: nothing done, retried).
    const fromApis = run.requests.filter((request) => request.status !== null && request.status >= 500 && !isBalancerPage(request.body));
    expect(fromApis.filter((request) => request.status !== 503)).toEqual([]);
    const cut = run.noAnswer + run.requests.filter((request) => isBalancerPage(request.body)).length;
    const ids = [...run.accepted.values()];
    expect(new Set(ids).size).toBe(IN_FLIGHT);
    expect(await acceptedButNotStored(stack.db, run.accepted)).toEqual([]);
    // Retries with the same idempotency key, through either API, made no second action.
    expect(await stack.db.agentAction.count({ where: { tenantId: stack.tenant.id, actionType: "notify" } })).toBe(IN_FLIGHT);
    await waitUntilSettled(stack.db, ids);
    const figures = await countOutcome(stack.db, ids);
    expect(figures).toEqual({ inFlight: IN_FLIGHT, executed: IN_FLIGHT, terminalWithReason: 0, lost: 0, duplicated: 0 });
    // The survivors carried on alone, and the balancer answers through the surviving API.
    expect(survivingApi.process.child.exitCode).toBeNull();
    expect(survivingWorker.child.exitCode).toBeNull();
    await waitFor(async () => (await fetch(`${balancer.url}/healthz`)).ok, { what: "the balancer to answer through the survivor" });
    await recordScenario(
      stack,
      "two-apis-two-workers-sigkill",
      { actionIds: ids, outcome: figures, executedBeforeFault: atKill?.executed ?? 0, serverErrors: fromApis.length, startedAt, faults: 2 },
      { acceptedAtFault: KILL_AT, unanswered: cut, throttledOf150: throttled, heldAtFault: atKill?.held ?? 0 },
    );
  });
});
