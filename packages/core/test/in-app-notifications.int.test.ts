import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { countUnreadNotifications, createNotificationDelivery, listMyNotifications, markNotificationRead } from "../src/index.ts";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "../src/testing/index.ts";

let environment: TestEnvironment;
let acme: TestTenant;
let globex: TestTenant;
const delivery = createNotificationDelivery({});

beforeAll(async () => {
  environment = await createTestEnvironment();
  acme = await createTestTenant(environment.db, "inappacme");
  globex = await createTestTenant(environment.db, "inappglobex");
});

afterAll(async () => {
  await environment.close();
});

const deliverInApp = async (tenantId: string, recipient: string, message: string) => {
  const notification = await environment.db.notification.create({ data: { tenantId, channel: "in_app", recipient, message } });
  return delivery.deliver(environment.db, notification);
};

describe("in-app notifications", () => {
  it("are delivered to a user of the tenant named by email or id", async () => {
    expect(await deliverInApp(acme.id, "Approver@InAppAcme.test", "By email, any case")).toMatchObject({ channel: "in_app", userId: acme.approver.userId, delivery: null });
    expect(await deliverInApp(acme.id, acme.approver.userId, "By id")).toMatchObject({ userId: acme.approver.userId });
  });

  it("refuse for good a recipient who is not a user of the tenant, another tenant's user included", async () => {
    await expect(deliverInApp(acme.id, "approver@inappglobex.test", "Not yours")).rejects.toMatchObject({
      code: "NOT_FOUND",
      retryable: false,
      message: "in_app recipient approver@inappglobex.test is not a user of this tenant",
    });
    await expect(deliverInApp(acme.id, globex.approver.userId, "Not yours")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("are listed to their recipient only, newest first, with the unread count, and marked read once", async () => {
    await deliverInApp(acme.id, acme.viewer.userId, "First");
    const second = await deliverInApp(acme.id, acme.viewer.userId, "Second");
    await deliverInApp(globex.id, globex.viewer.userId, "Globex's");

    const mine = await listMyNotifications(environment.deps, { actor: acme.viewer });
    expect(mine.notifications.map((notification) => notification.message)).toEqual(["Second", "First"]);
    expect(mine.unread).toEqual({ count: 2, capped: false });
    expect(await countUnreadNotifications(environment.deps, { actor: acme.viewer })).toEqual({ count: 2, capped: false });

    const read = await markNotificationRead(environment.deps, { actor: acme.viewer, input: { notificationId: second.notificationId } });
    expect(read.readAt).not.toBeNull();
    const again = await markNotificationRead(environment.deps, { actor: acme.viewer, input: { notificationId: second.notificationId } });
    expect(again.readAt).toBe(read.readAt);

    const after = await listMyNotifications(environment.deps, { actor: acme.viewer, input: { limit: 1 } });
    expect(after).toMatchObject({ notifications: [{ message: "Second", readAt: read.readAt }], unread: { count: 1, capped: false } });
  });

  it("are NOT_FOUND to another user of the tenant and to another tenant's users", async () => {
    const delivered = await deliverInApp(acme.id, acme.admin.userId, "For Ada");
    for (const actor of [acme.approver, globex.admin]) {
      await expect(markNotificationRead(environment.deps, { actor, input: { notificationId: delivered.notificationId } })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect((await listMyNotifications(environment.deps, { actor: globex.admin })).notifications).toEqual([]);
    const row = await environment.db.notification.findUniqueOrThrow({ where: { id: delivered.notificationId } });
    expect(row.readAt).toBeNull();
  });

  it("written and delivered at once (send) reach the same user, and nothing is written for a recipient who is no user of the tenant", async () => {
    const fresh = (recipient: string) => ({ tenantId: acme.id, actionId: null, itemId: null, channel: "in_app", recipient, subject: "Sent", message: "In one statement" });
    const sent = await delivery.send(environment.db, fresh("  Approver@InAppAcme.test "));
    expect(sent).toMatchObject({ channel: "in_app", delivery: null, userId: acme.approver.userId, recipient: "  Approver@InAppAcme.test " });
    const row = await environment.db.notification.findUniqueOrThrow({ where: { id: sent.notificationId } });
    expect(row).toMatchObject({ tenantId: acme.id, userId: acme.approver.userId, subject: "Sent", message: "In one statement", delivery: null, readAt: null });
    expect(row.deliveredAt?.toISOString()).toBe(sent.deliveredAt);
    expect(await delivery.send(environment.db, fresh(acme.viewer.userId))).toMatchObject({ userId: acme.viewer.userId });

    const before = await environment.db.notification.count();
    for (const stranger of ["approver@inappglobex.test", globex.approver.userId, "nobody@inappacme.test"]) {
      await expect(delivery.send(environment.db, fresh(stranger))).rejects.toMatchObject({ code: "NOT_FOUND", retryable: false, message: `in_app recipient ${stranger} is not a user of this tenant` });
    }
    expect(await environment.db.notification.count()).toBe(before);
  });

  it("belong to people: an API key has none", async () => {
    await expect(listMyNotifications(environment.deps, { actor: acme.agent })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
