import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { silentLogger } from "../src/logger.ts";
import { actionVersion, createActionWatcher } from "../src/waiting/action-watcher.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let tenant: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db);
});

afterAll(async () => {
  await environment.close();
});

async function pendingAction() {
  return environment.db.agentAction.create({
    data: { tenantId: tenant.id, proposerLabel: "agent", actionType: "notify", parameters: { channel: "email", recipient: "a@example.com", message: "hi" } },
  });
}

describe("the shared action watcher", () => {
  it("wakes each waiter once its own action changes, whoever changed it", async () => {
    const watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), intervalMs: 20 });
    const [first, second] = [await pendingAction(), await pendingAction()];
    const woken: number[] = [];
    const never = new AbortController();
    const waits = [first, second].map((action) =>
      watcher.nextChange({ actionId: action.id, seen: actionVersion(action), signal: never.signal }).then((open) => {
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
    const aborted = watcher.nextChange({ actionId: action.id, seen: actionVersion(action), signal: abort.signal });
    abort.abort();
    expect(await aborted).toBe(true);

    const untilClosed = watcher.nextChange({ actionId: action.id, seen: actionVersion(action), signal: new AbortController().signal });
    watcher.close();
    expect(await untilClosed).toBe(false);
    // After closing, nobody waits any more: the caller answers with what it has.
    expect(await watcher.nextChange({ actionId: action.id, seen: actionVersion(action), signal: new AbortController().signal })).toBe(false);
  });

  it("wakes a waiter whose action is gone", async () => {
    const watcher = createActionWatcher({ db: environment.db, logger: silentLogger(), intervalMs: 20 });
    const action = await pendingAction();
    const waiting = watcher.nextChange({ actionId: action.id, seen: actionVersion(action), signal: new AbortController().signal });
    await environment.db.agentAction.delete({ where: { id: action.id } });
    expect(await waiting).toBe(true);
    watcher.close();
  });
});
