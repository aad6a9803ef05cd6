import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { ActionStatus } from "@leash/db";

import { countActions, countUnreadNotifications, COUNT_CAP, listMyNotifications, queueStats } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let busy: TestTenant;
let quiet: TestTenant;

beforeAll(async () => {
  environment = await createTestEnvironment();
  busy = await createTestTenant(environment.db, "countbusy");
  quiet = await createTestTenant(environment.db, "countquiet");
});

afterAll(async () => {
  await environment.close();
});

/** Action rows written straight to the table: what matters here is how many there are of each status. */
async function addActions(tenant: TestTenant, status: ActionStatus, count: number, extra: { updatedAt?: Date; errorMessage?: string } = {}) {
  await environment.db.agentAction.createMany({
    data: Array.from({ length: count }, (_, index) => ({
      tenantId: tenant.id,
      proposerLabel: "counting test",
      actionType: "notify",
      parameters: { channel: "in_app", recipient: tenant.inbox, message: `${status} ${index}` },
      status,
      ...extra,
    })),
  });
}

describe("the console's and the API's counts", () => {
  it("count each status up to the cap: a tenant with more actions than the cap sees the cap, flagged", async () => {
    await addActions(busy, "executed", COUNT_CAP + 5);
    await addActions(busy, "pending", 3);
    await addActions(busy, "approved", 2);

    const stats = await queueStats(environment.deps, { actor: busy.viewer });
    expect(stats.actions).toEqual({
      pending: { count: 3, capped: false },
      approved: { count: 2, capped: false },
      executing: { count: 0, capped: false },
      executed: { count: COUNT_CAP, capped: true },
      rejected: { count: 0, capped: false },
      failed: { count: 0, capped: false },
      cancelled: { count: 0, capped: false },
    });
    expect(await countActions(environment.deps, { actor: busy.viewer, statuses: ["pending", "executed"] })).toEqual({
      pending: { count: 3, capped: false },
      executed: { count: COUNT_CAP, capped: true },
    });
  });

  it("show a tenant its own actions only, and not the execution queue the workers share with other tenants", async () => {
    await addActions(quiet, "approved", 1);
    const approved = await environment.db.agentAction.findMany({ where: { status: "approved" }, select: { id: true, tenantId: true } });
    await environment.deps.queue.enqueueExecutions(approved.map((action) => ({ actionId: action.id, tenantId: action.tenantId })));

    const stats = await queueStats(environment.deps, { actor: quiet.agent });
    expect(Object.keys(stats).sort()).toEqual(["actions", "recentFailures"]);
    expect(stats.actions.approved).toEqual({ count: 1, capped: false });
    expect(stats.actions.executed).toEqual({ count: 0, capped: false });
  });

  it("list a tenant's ten latest failures, by when they failed", async () => {
    const hourAgo = Date.now() - 3_600_000;
    for (let minute = 0; minute < 12; minute += 1) {
      await addActions(busy, "failed", 1, { updatedAt: new Date(hourAgo + minute * 60_000), errorMessage: `failed at minute ${minute}` });
    }
    await addActions(quiet, "failed", 1, { updatedAt: new Date(), errorMessage: "another tenant's" });

    const stats = await queueStats(environment.deps, { actor: busy.viewer });
    expect(stats.actions.failed).toEqual({ count: 12, capped: false });
    expect(stats.recentFailures.map((failure) => failure.errorMessage)).toEqual(
      Array.from({ length: 10 }, (_, index) => `failed at minute ${11 - index}`),
    );
  });

  it("count a person's unread notifications up to the cap, in-app ones only", async () => {
    const notification = (channel: string, index: number) => ({
      tenantId: busy.id,
      channel,
      recipient: busy.inbox,
      userId: busy.admin.userId,
      message: `${channel} ${index}`,
    });
    await environment.db.notification.createMany({
      data: [...Array.from({ length: COUNT_CAP + 1 }, (_, index) => notification("in_app", index)), ...Array.from({ length: 5 }, (_, index) => notification("email", index))],
    });
    await environment.db.notification.create({ data: { ...notification("in_app", -1), readAt: new Date() } });

    expect(await countUnreadNotifications(environment.deps, { actor: busy.admin })).toEqual({ count: COUNT_CAP, capped: true });
    expect((await listMyNotifications(environment.deps, { actor: busy.admin })).unread).toEqual({ count: COUNT_CAP, capped: true });
    expect(await countUnreadNotifications(environment.deps, { actor: busy.viewer })).toEqual({ count: 0, capped: false });
  });
});
