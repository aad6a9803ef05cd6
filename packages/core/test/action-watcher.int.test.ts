import { randomBytes } from "node:crypto";

import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { approveAction } from "../src/decisions/approve-action.ts";
import { cancelAction } from "../src/decisions/cancel-action.ts";
import { rejectAction } from "../src/decisions/reject-action.ts";
import { silentLogger } from "../src/logger.ts";
import { createBullActionQueue } from "../src/queue/action-queue.ts";
import { actionChangedChannel } from "../src/queue/queue-definitions.ts";
import { actionVersion, createActionWatcher, type ActionWatcher } from "../src/waiting/action-watcher.ts";
import { createTestEnvironment, createTestTenant, testRedisUrl, waitFor, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

/** Far longer than any test runs: a wait that answers did not learn of its change from the poll. */
const NEVER_POLLS_MS = 600_000;
/** The bound of a wait in these tests; a wait that ends by it was not woken by anything. */
const GIVE_UP_MS = 15_000;

async function pendingAction() {
  return environment.db.agentAction.create({
    data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "notify", parameters: { channel: "email", recipient: "a@example.com", message: "hi" } },
  });
}

/** A watcher subscribed to the test file's channel over a connection of its own, named to be found in CLIENT LIST. */
function subscribedWatcher(intervalMs = NEVER_POLLS_MS) {
  const name = `watcher-${randomBytes(4).toString("hex")}`;
  const subscriber = new Redis(testRedisUrl, { connectionName: name, maxRetriesPerRequest: null });
  const watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), subscriber, prefix: environment.queuePrefix, intervalMs });
  return { watcher, name };
}

/** The Redis clients named `name` that are subscribed to something. */
async function subscribedClients(name: string): Promise<string[]> {
  const list = (await environment.redis.client("LIST")) as string;
  return list.split("\n").filter((line) => line.includes(` name=${name} `) && !line.includes(" sub=0 "));
}

async function subscribed(name: string) {
  await waitFor(async () => (await subscribedClients(name)).length === 1, { what: `${name} subscribed` });
}

/** Waits for the action's next change as a waiting request does; answers whether something other than the bound ended the wait. */
async function nextChange(watcher: ActionWatcher, action: Parameters<typeof actionVersion>[0] & { id: number }, since = watcher.mark()) {
  const bound = AbortSignal.timeout(GIVE_UP_MS);
  await watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since, signal: bound });
  return !bound.aborted;
}

describe("the shared action watcher, polling alone", () => {
  it("wakes each waiter once its own action changes, whoever changed it", async () => {
    const watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), intervalMs: 20 });
    const [first, second] = [await pendingAction(), await pendingAction()];
    const woken: number[] = [];
    const never = new AbortController();
    const waits = [first, second].map((action) =>
      watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since: watcher.mark(), signal: never.signal }).then((open) => {
        woken.push(action.id);
        return open;
      }),
    );
    // Changed behind the watcher's back, as another process would.
    await environment.db.agentAction.update({ where: { id: second.id }, data: { status: "rejected", updatedAt: new Date() } });
    expect(await waits[1]).toBe(true);
    expect(woken).toEqual([second.id]);
    await environment.db.agentAction.update({ where: { id: first.id }, data: { status: "cancelled", updatedAt: new Date() } });
    expect(await waits[0]).toBe(true);
    expect(woken).toEqual([second.id, first.id]);
    watcher.close();
  });

  it("ends a wait when its signal aborts, and every wait when it closes", async () => {
    const watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), intervalMs: 20 });
    const action = await pendingAction();
    const abort = new AbortController();
    const aborted = watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since: watcher.mark(), signal: abort.signal });
    abort.abort();
    expect(await aborted).toBe(true);

    const untilClosed = watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since: watcher.mark(), signal: new AbortController().signal });
    watcher.close();
    expect(await untilClosed).toBe(false);
    // After closing, nobody waits any more: the caller answers with what it has.
    expect(await watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since: watcher.mark(), signal: new AbortController().signal })).toBe(false);
  });

  it("wakes a waiter whose action is gone", async () => {
    const watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), intervalMs: 20 });
    const action = await pendingAction();
    const waiting = watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since: watcher.mark(), signal: new AbortController().signal });
    await environment.db.agentAction.delete({ where: { id: action.id } });
    expect(await waiting).toBe(true);
    watcher.close();
  });
});

describe("the shared action watcher, woken by writers' announcements", () => {
  it("wakes a waiter as soon as another connection's writer commits a change, long before any poll", async () => {
    const { watcher, name } = subscribedWatcher();
    await subscribed(name);
    const [rejected, approved, cancelled] = [await pendingAction(), await pendingAction(), await pendingAction()];
    const waits = [rejected, approved, cancelled].map((action) => nextChange(watcher, action));
    // The writers are core's own verbs, publishing over the environment's queue connection.
    await rejectAction(environment.deps, { actor: tenant.approver, input: { actionId: rejected.id, reason: "not now" } });
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: approved.id } });
    await cancelAction(environment.deps, { actor: tenant.admin, input: { actionId: cancelled.id, reason: "changed my mind" } });
    expect(await Promise.all(waits)).toEqual([true, true, true]);
    watcher.close();
  });

  it("ignores a malformed message and still hears the next one", async () => {
    const { watcher, name } = subscribedWatcher();
    await subscribed(name);
    const action = await pendingAction();
    const waiting = nextChange(watcher, action);
    const channel = actionChangedChannel.name(environment.queuePrefix);
    for (const junk of ["not json", "[]", "[-1]", '{"ids":[1]}', `["${action.id}"]`]) await environment.redis.publish(channel, junk);
    await rejectAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id, reason: "no" } });
    expect(await waiting).toBe(true);
    watcher.close();
  });

  it("wakes at once a wait whose action was announced while its read was under way", async () => {
    const { watcher, name } = subscribedWatcher();
    await subscribed(name);
    const action = await pendingAction();
    // The wait's read begins, the change commits and is announced before the wait registers.
    const since = watcher.mark();
    await environment.deps.queue.publishActionChanges([action.id]);
    await waitFor(() => Promise.resolve(watcher.mark() > since), { what: "the announcement heard" });
    expect(await nextChange(watcher, action, since)).toBe(true);
    watcher.close();
  });

  it("wakes a wait for the action to settle only for its changes, not for the news that a worker started it; a watch of every state wakes for both", async () => {
    const { watcher, name } = subscribedWatcher();
    await subscribed(name);
    const [action, other] = [await pendingAction(), await pendingAction()];
    const heard = async (publish: () => Promise<void>) => {
      const before = watcher.mark();
      await publish();
      await waitFor(() => Promise.resolve(watcher.mark() > before), { what: "the announcement heard" });
    };
    const never = new AbortController();
    let settleWoken = false;
    const since = watcher.mark();
    const settling = watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since, signal: never.signal, startsToo: false }).then((open) => {
      settleWoken = true;
      return open;
    });
    const everyState = nextChange(watcher, action);

    await heard(() => environment.deps.queue.publishActionChanges([action.id], "started"));
    expect(await everyState).toBe(true);
    // Messages are heard in order: once the next one is, the start had been heard and passed over.
    await heard(() => environment.deps.queue.publishActionChanges([other.id]));
    expect(settleWoken).toBe(false);
    // A wait that begins after the start was announced is not woken by it either, while a watch is at once.
    const late = AbortSignal.timeout(200);
    await watcher.nextChange({ actionId: action.id, seen: actionVersion(action), since, signal: late, startsToo: false });
    expect(late.aborted).toBe(true);
    expect(await nextChange(watcher, action, since)).toBe(true);

    await rejectAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id, reason: "no" } });
    expect(await settling).toBe(true);
    never.abort();
    watcher.close();
  });

  it("after its connection drops, subscribes again and looks at every watched action, so a change missed meanwhile still answers", async () => {
    const { watcher, name } = subscribedWatcher();
    await subscribed(name);
    const action = await pendingAction();
    const waiting = nextChange(watcher, action);
    // Changed with no announcement, as one published while the subscriber was disconnected would be lost.
    await environment.db.agentAction.update({ where: { id: action.id }, data: { status: "rejected", updatedAt: new Date() } });
    // Only this watcher's connection: other test files share this Redis.
    const [client] = await subscribedClients(name);
    const id = /\bid=(\d+)/.exec(client ?? "")?.[1];
    expect(id).toBeDefined();
    await environment.redis.client("KILL", "ID", id ?? "");
    expect(await waiting).toBe(true);
    await subscribed(name);
    watcher.close();
  });

  it("still answers from its poll when Redis pub/sub cannot be reached", async () => {
    // Nothing listens on port 1: the subscriber retries forever and never subscribes.
    const subscriber = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: null, retryStrategy: () => 200 });
    const refused: Error[] = [];
    subscriber.on("error", (error) => refused.push(error));
    const watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), subscriber, prefix: environment.queuePrefix, intervalMs: 50 });
    const action = await pendingAction();
    const waiting = nextChange(watcher, action);
    await rejectAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id, reason: "no" } });
    expect(await waiting).toBe(true);
    expect(refused.length).toBeGreaterThan(0);
    watcher.close();
  });

  it("a writer whose announcement cannot be published still commits and answers", async () => {
    const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    const queue = createBullActionQueue({ connection, prefix: environment.queuePrefix });
    await waitFor(() => Promise.resolve(connection.status === "ready"), { what: "the queue's connection" });
    connection.disconnect();
    const action = await pendingAction();
    const view = await rejectAction({ ...environment.deps, queue }, { actor: tenant.approver, input: { actionId: action.id, reason: "no" } });
    expect(view.status).toBe("rejected");
    expect(await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).toMatchObject({ status: "rejected" });
    await queue.close();
  });

  it("leaves no subscriber connection behind once closed", async () => {
    const { watcher, name } = subscribedWatcher();
    await subscribed(name);
    watcher.close();
    await waitFor(async () => (await subscribedClients(name)).length === 0, { what: `${name} gone` });
    const list = (await environment.redis.client("LIST")) as string;
    expect(list).not.toContain(` name=${name} `);
  });
});
