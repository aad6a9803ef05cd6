import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

import { defineActionType } from "../src/action-types/action-definition.ts";
import { registeredActionTypes, type ActionRegistry } from "../src/action-types/action-type-registry.ts";
import { notifyAction } from "../src/action-types/notify.ts";
import { updateAction } from "../src/action-types/update-item.ts";
import { claimActions } from "../src/execution/claim-actions.ts";
import { executeActions } from "../src/execution/execute-actions.ts";
import { runClaimedActions } from "../src/execution/run-claimed-actions.ts";
import { createApprovedUpdate, createTestEnvironment, createTestItem, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

/** How many times each update's handler ran, by the status it sets, how many pings went out, and how many notify handlers ran. */
const calls = { updates: new Map<string, number>(), pings: 0, notifies: 0 };

/**
 * update, except that a status of "boom" writes the item and then throws: its write must not survive;
 * and ping, a type that acts outside the database (it counts its calls), which must never run twice.
 */
const registry: ActionRegistry = {
  ...registeredActionTypes(),
  ping: defineActionType({
    type: "ping",
    target: "none",
    parametersSchema: z.strictObject({}),
    description: "Counts a call outside the database.",
    changesItem: false,
    actsOutside: true,
    present: () => ({ headline: "ping", changes: [], details: [] }),
    execute() {
      calls.pings += 1;
      return Promise.resolve({ result: { pinged: calls.pings }, rollbackData: null });
    },
    rollback: { reversible: false, reason: "pinged", explanation: "a ping cannot be recalled" },
  }),
  notify: defineActionType({
    ...notifyAction,
    execute(context) {
      calls.notifies += 1;
      return notifyAction.execute(context);
    },
  }),
  update: defineActionType({
    ...updateAction,
    async execute(context) {
      const status = (context.parameters as { data: { status?: string } }).data.status ?? "";
      calls.updates.set(status, (calls.updates.get(status) ?? 0) + 1);
      const outcome = await updateAction.execute(context);
      if ((context.parameters as { data: { status?: string } }).data.status === "boom") throw new Error("the handler blew up after writing");
      return outcome;
    },
  }),
};

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

const deps = () => ({ ...environment.deps, registry });
const settings = { workerId: "batch-test", retryPolicy: { baseDelayMs: 10, maxDelayMs: 10 }, staleClaimMs: 60_000, blockedRecheck: { baseDelayMs: 1_000, maxDelayMs: 5_000 } };
const execute = (actionIds: number[]) => executeActions(deps(), { ...settings, requests: actionIds.map((actionId) => ({ actionId, earlierRuns: 0 })) });
const row = (id: number) => environment.db.agentAction.findUniqueOrThrow({ where: { id } });
const itemData = async (id: number) => (await environment.db.item.findUniqueOrThrow({ where: { id } })).data;
const eventTypes = async (actionId: number) => (await environment.db.actionEvent.findMany({ where: { actionId }, orderBy: { id: "asc" } })).map((event) => event.type);

async function items(count: number) {
  return Promise.all(Array.from({ length: count }, (_, index) => createTestItem(environment.db, tenant.id, { kind: "project", title: `Batch ${index}`, data: { status: "new" } })));
}

describe("a batch of executions", () => {
  it("one handler that throws is rolled back alone: the others commit, it is retried, then failed after its last attempt", async () => {
    const [a, b, c] = await items(3);
    if (!a || !b || !c) throw new Error("items missing");
    const first = await createApprovedUpdate(environment.db, tenant.id, { itemId: a.id, data: { status: "one" } });
    const failing = await createApprovedUpdate(environment.db, tenant.id, { itemId: b.id, data: { status: "boom" } }, { maxAttempts: 2 });
    const third = await createApprovedUpdate(environment.db, tenant.id, { itemId: c.id, data: { status: "three" } });

    const outcomes = await execute([first.id, failing.id, third.id]);
    expect(outcomes).toEqual([
      { kind: "executed", actionId: first.id },
      { kind: "retry", error: "the handler blew up after writing", retryInMs: 10 },
      { kind: "executed", actionId: third.id },
    ]);
    expect([await itemData(a.id), await itemData(b.id), await itemData(c.id)]).toEqual([{ status: "one" }, { status: "new" }, { status: "three" }]);
    expect(await row(failing.id)).toMatchObject({ status: "approved", attempts: 1, claimToken: null, errorMessage: "the handler blew up after writing" });

    expect(await execute([failing.id])).toEqual([{ kind: "failed", error: "the handler blew up after writing" }]);
    expect(await row(failing.id)).toMatchObject({ status: "failed", attempts: 2 });
    expect(await itemData(b.id)).toEqual({ status: "new" });
    expect(await eventTypes(failing.id)).toEqual(["started", "retried", "started", "failed"]);
    expect(await eventTypes(first.id)).toEqual(["started", "executed"]);
  });

  it("an action whose claim was taken over is not run by the batch; the others commit, and the new holder runs it once", async () => {
    const [a, b, c] = await items(3);
    if (!a || !b || !c) throw new Error("items missing");
    const actions = await Promise.all([a, b, c].map((item) => createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: `done ${item.id}` } })));
    const ids = actions.map((action) => action.id);
    const claimed = await claimActions(environment.db, { actionIds: ids, workerId: "presumed-dead", now: new Date(), staleClaimMs: 0 });
    const claims = claimed.map((claim) => {
      if (claim.kind !== "claimed") throw new Error(`expected a claim, got ${claim.kind}`);
      return { action: claim.action, claimToken: claim.claimToken, startedAt: Date.now() };
    });
    // With no grace period every claim is stale at once: another worker takes the middle one over.
    const [takeover] = await claimActions(environment.db, { actionIds: [ids[1] ?? 0], workerId: "survivor", now: new Date(), staleClaimMs: 0 });
    if (takeover?.kind !== "claimed") throw new Error(`expected a takeover, got ${takeover?.kind}`);

    const results = await runClaimedActions(deps(), claims);
    expect(results.map((result) => result.kind)).toEqual(["ran", "lost", "ran"]);
    expect([await itemData(a.id), await itemData(b.id), await itemData(c.id)]).toEqual([{ status: `done ${a.id}` }, { status: "new" }, { status: `done ${c.id}` }]);
    expect((await row(ids[1] ?? 0)).status).toBe("executing");

    expect(await runClaimedActions(deps(), [{ action: takeover.action, claimToken: takeover.claimToken, startedAt: Date.now() }])).toMatchObject([{ kind: "ran" }]);
    expect(await itemData(b.id)).toEqual({ status: `done ${b.id}` });
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: b.id } })).version).toBe(b.version + 1);
    expect(await eventTypes(ids[1] ?? 0)).toEqual(["started", "started", "executed"]);
  });

  it("two actions on one item in one batch run in creation order: the later one waits for the earlier, whatever their order in the batch", async () => {
    const [item] = await items(1);
    if (!item) throw new Error("item missing");
    const earlier = await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: "earlier" } });
    const later = await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: "later" } });

    const outcomes = await execute([later.id, earlier.id]);
    expect(outcomes).toEqual([
      { kind: "blocked", blockedBy: earlier.id, retryInMs: 1_000 },
      { kind: "executed", actionId: earlier.id },
    ]);
    expect((await row(later.id)).status).toBe("approved");
    expect(await execute([later.id])).toEqual([{ kind: "executed", actionId: later.id }]);
    expect(await itemData(item.id)).toEqual({ status: "later" });
    const [first, second] = await Promise.all([row(earlier.id), row(later.id)]);
    expect(first.executedAt?.getTime()).toBeLessThanOrEqual(second.executedAt?.getTime() ?? 0);
  });

  it("a failure after an action that acted outside rolls back to the savepoint after it: the outside call is made once, the actions rolled back with the failed one run again", async () => {
    const [a, b, c, d] = await items(4);
    if (!a || !b || !c || !d) throw new Error("items missing");
    const ping = () => environment.db.agentAction.create({ data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "ping", parameters: {}, status: "approved" } });
    const update = (itemId: number, status: string) => createApprovedUpdate(environment.db, tenant.id, { itemId, data: { status } });
    const before = await update(a.id, "before the ping");
    const pinged = await ping();
    const after = await update(b.id, "after the ping");
    const failing = await update(c.id, "boom");
    const last = await update(d.id, "last");
    calls.pings = 0;
    calls.updates.clear();

    const outcomes = await execute([before.id, pinged.id, after.id, failing.id, last.id]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["executed", "executed", "executed", "retry", "executed"]);
    expect(calls.pings).toBe(1);
    expect(Object.fromEntries(calls.updates)).toEqual({ "before the ping": 1, "after the ping": 2, boom: 1, last: 1 });
    const versions = async () => Promise.all([a, b, c, d].map(async (item) => (await environment.db.item.findUniqueOrThrow({ where: { id: item.id } })).version - item.version));
    expect(await versions()).toEqual([1, 1, 0, 1]);
    // The action that ran twice keeps the state before its first run, and the result of the run that committed.
    expect(await row(after.id)).toMatchObject({ status: "executed", rollbackData: { before: { version: b.version, data: { status: "new" } } }, result: { version: b.version + 1 } });
    expect(await row(pinged.id)).toMatchObject({ status: "executed", result: { pinged: 1 } });
    expect(await eventTypes(after.id)).toEqual(["started", "executed"]);
  });

  it("an in_app notification only writes its row: a later failure runs it again in the same transaction (no savepoint), and it is delivered once", async () => {
    const [a] = await items(1);
    if (!a) throw new Error("item missing");
    const notified = await environment.db.agentAction.create({
      data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "notify", parameters: { channel: "in_app", recipient: tenant.inbox, message: "Once" }, status: "approved" },
    });
    const failing = await createApprovedUpdate(environment.db, tenant.id, { itemId: a.id, data: { status: "boom" } });
    calls.notifies = 0;

    expect((await execute([notified.id, failing.id])).map((outcome) => outcome.kind)).toEqual(["executed", "retry"]);
    expect(calls.notifies).toBe(2);
    const rows = await environment.db.notification.findMany({ where: { actionId: notified.id } });
    expect(rows).toHaveLength(1);
    expect(await row(notified.id)).toMatchObject({ status: "executed", result: { notificationId: rows[0]?.id, channel: "in_app" } });
    expect(await itemData(a.id)).toEqual({ status: "new" });
  });

  it("a failure before any outside call abandons the transaction: the batch runs again without the failed action, each other action once in effect", async () => {
    const [a, b] = await items(2);
    if (!a || !b) throw new Error("items missing");
    const failing = await createApprovedUpdate(environment.db, tenant.id, { itemId: a.id, data: { status: "boom" } });
    const pinged = await environment.db.agentAction.create({ data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "ping", parameters: {}, status: "approved" } });
    const updated = await createApprovedUpdate(environment.db, tenant.id, { itemId: b.id, data: { status: "kept" } });
    calls.pings = 0;

    expect((await execute([failing.id, pinged.id, updated.id])).map((outcome) => outcome.kind)).toEqual(["retry", "executed", "executed"]);
    expect(calls.pings).toBe(1);
    expect([await itemData(a.id), await itemData(b.id)]).toEqual([{ status: "new" }, { status: "kept" }]);
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: b.id } })).version).toBe(b.version + 1);
    expect(await eventTypes(failing.id)).toEqual(["started", "retried"]);
  });

  it("the same action twice in one batch runs once", async () => {
    const [item] = await items(1);
    if (!item) throw new Error("item missing");
    const action = await createApprovedUpdate(environment.db, tenant.id, { itemId: item.id, data: { status: "once" } });
    const outcomes = await execute([action.id, action.id]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(["executed", "busy"]);
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: item.id } })).version).toBe(item.version + 1);
    expect(await eventTypes(action.id)).toEqual(["started", "executed"]);
  });
});
