import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ActionQueue } from "../src/queue/action-queue.ts";
import type { ActionNews } from "../src/queue/queue-definitions.ts";
import { registeredActionTypes } from "../src/action-types/action-type-registry.ts";
import { executeActions } from "../src/execution/execute-actions.ts";
import { createApprovedUpdate, createTestEnvironment, createTestItem, createTestTenant, waitFor, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

const settings = { workerId: "announcements-test", retryPolicy: { baseDelayMs: 10, maxDelayMs: 10 }, staleClaimMs: 60_000, blockedRecheck: { baseDelayMs: 1_000, maxDelayMs: 5_000 } };

/** The environment's queue, with its announcements and promotions written down in the order they happen. */
function recordingQueue(
  log: string[],
  publish: (ids: readonly number[], news: ActionNews) => Promise<void> = (ids, news) => environment.deps.queue.publishActionChanges(ids, news),
): ActionQueue {
  const queue = environment.deps.queue;
  return {
    ...queue,
    async publishActionChanges(ids, news = "changed") {
      log.push(`${news} ${ids.join(",")}`);
      await publish(ids, news);
    },
    async promoteExecution(actionId) {
      log.push(`promoted ${actionId}`);
      await queue.promoteExecution(actionId);
    },
  };
}

async function updatesOfOneItem(count: number) {
  const item = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Announced", data: { status: "new" } });
  const actions = [];
  for (let index = 0; index < count; index += 1) actions.push(await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: `step ${index}` } }));
  return actions;
}

describe("what an execution announces, and when", () => {
  it("tells the executed action's waiters before it wakes the next job on its target", async () => {
    const [first, next] = await updatesOfOneItem(2);
    if (!first || !next) throw new Error("actions missing");
    const log: string[] = [];
    const deps = { ...environment.deps, queue: recordingQueue(log), registry: registeredActionTypes() };

    expect(await executeActions(deps, { ...settings, requests: [{ actionId: first.id, earlierRuns: 0 }] })).toEqual([{ kind: "executed", actionId: first.id }]);
    // Once as it started, once as it executed; only then the job it unblocked.
    expect(log).toEqual([`started ${first.id}`, `changed ${first.id}`, `promoted ${next.id}`]);
  });

  it("commits without waiting for the announcement that the action started", async () => {
    const [action] = await updatesOfOneItem(1);
    if (!action) throw new Error("action missing");
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const log: string[] = [];
    // The first announcement (started) hangs until released; the later ones go through.
    const deps = {
      ...environment.deps,
      queue: recordingQueue(log, async (ids, news) => (log.length === 1 ? held : environment.deps.queue.publishActionChanges(ids, news))),
      registry: registeredActionTypes(),
    };

    const outcome = executeActions(deps, { ...settings, requests: [{ actionId: action.id, earlierRuns: 0 }] });
    await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).status === "executed");
    release();
    expect(await outcome).toEqual([{ kind: "executed", actionId: action.id }]);
  });
});
