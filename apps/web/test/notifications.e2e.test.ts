import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
});

afterAll(() => stack.close());

/**
 * What an executed `schedule` action leaves for the worker: a reminder for `recipient`, due now,
 * and its job. The worker fires and delivers it like any reminder.
 */
async function remind(recipient: string, message: string) {
  const action = await environment.db.agentAction.create({
    data: { tenantId: tenant.id, apiKeyId: tenant.agent.apiKeyId, proposerLabel: tenant.agent.label, actionType: "schedule", parameters: {}, status: "executed" },
  });
  const dueAt = new Date();
  const reminder = await environment.db.reminder.create({ data: { tenantId: tenant.id, actionId: action.id, recipient, message, dueAt } });
  await environment.deps.queue.enqueueReminder({ reminderId: reminder.id, tenantId: tenant.id, dueAt });
  await waitFor(async () => (await environment.db.reminder.findUniqueOrThrow({ where: { id: reminder.id } })).status === "fired", { what: "the reminder to fire" });
  return action;
}

describe("in-app notifications in the console", () => {
  it("show an unread count on the bell without a reload, list the message and are marked read", async () => {
    const page = await stack.pageFor("viewer");
    await expect.poll(() => page.getByTestId("unread-count").count()).toBe(0);

    const action = await remind(`viewer@${tenant.slug}.test`, "Call the client back\nabout the relaunch");
    await expect.poll(() => page.getByTestId("unread-count").textContent(), { timeout: 10_000 }).toBe("1");

    await page.getByRole("link", { name: "Notifications, 1 unread" }).click();
    await page.waitForURL(`${web.url}/notifications`);
    await hydrated(page);
    const item = page.getByRole("list", { name: "Notifications" }).getByRole("listitem");
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getByRole("heading").textContent()).toBe("Reminder");
    expect(await item.locator(".notification-message").textContent()).toBe("Call the client back\nabout the relaunch");
    expect(await item.getByRole("link", { name: `action #${action.id}` }).getAttribute("href")).toBe(`/actions/${action.id}`);

    await item.getByRole("button", { name: "Mark as read" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Marked “Reminder” as read.");
    await expect.poll(() => page.getByTestId("unread-count").count()).toBe(0);
    expect(await item.getByRole("button", { name: "Mark as read" }).count()).toBe(0);
    const row = await environment.db.notification.findFirstOrThrow({ where: { actionId: action.id } });
    expect(row).toMatchObject({ userId: tenant.viewer.userId, channel: "in_app" });
    expect(row.readAt).not.toBeNull();
  });

  it("are each person's own: another user sees none, and marking someone else's is 404", async () => {
    const action = await remind(`admin@${tenant.slug}.test`, "For the admin only");
    const notification = await environment.db.notification.findFirstOrThrow({ where: { actionId: action.id } });
    const page = await stack.pageFor("approver");
    await page.goto(`${web.url}/notifications`);
    await hydrated(page);
    expect(await page.getByText("For the admin only").count()).toBe(0);
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const response = await page.request.post(`${web.url}/notifications`, { form: { csrf, notificationId: String(notification.id) } });
    expect(response.status()).toBe(404);
    expect((await environment.db.notification.findUniqueOrThrow({ where: { id: notification.id } })).readAt).toBeNull();
  });
});
