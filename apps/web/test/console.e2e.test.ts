import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { COUNT_CAP } from "@leash/core";
import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let api: TenantConsoleStack["api"];
let web: RunningConsole;
let pageFor: TenantConsoleStack["pageFor"];

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, api, web, pageFor } = stack);
});

afterAll(() => stack.close());

describe("preferences", () => {
  it("an admin switches on auto-approval with a plain sentence of what it means, and such actions then run without a person", async () => {
    const page = await pageFor("admin");
    await page.goto(`${web.url}/preferences`);
    await hydrated(page);
    const toggle = page.getByRole("button", { name: "Auto-approve update on ideas" });
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    await toggle.click();
    await expect.poll(() => page.locator(".notice-region").textContent()).toContain("update on ideas will now run without a person");
    await expect.poll(() => toggle.getAttribute("aria-pressed"), { timeout: 5_000 }).toBe("true");
    expect(await page.getByTestId("preference-sentences").textContent()).toContain("Update on ideas will run without a person");

    const idea = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Dark mode" });
    const { action } = await api.client(tenant.keys.agent).action.propose.mutate({ actionType: "update", targetType: "idea", targetId: idea.id, parameters: { data: { status: "accepted" } } });
    expect(action.status).toBe("approved");
    await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).status === "executed", { what: "auto-approved update executed" });
  });

  it("an approver sees the switches but cannot change them", async () => {
    const page = await pageFor("approver");
    await page.goto(`${web.url}/preferences`);
    await hydrated(page);
    expect(await page.getByRole("button", { name: "Auto-approve update on ideas" }).isDisabled()).toBe(true);
    expect(await page.locator("main").textContent()).toContain("Only admins can change these.");
  });
});

describe("queue and items", () => {
  it("the queue page counts actions by status and refreshes by itself", async () => {
    const page = await pageFor("viewer");
    await page.goto(`${web.url}/queue`);
    await hydrated(page);
    const pending = page.getByTestId("actions-pending").locator(".stat-value");
    const before = Number(await pending.textContent());
    await api.client(tenant.keys.agent).action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "ops@example.com", message: "Queue check" } });
    await expect.poll(async () => Number(await pending.textContent()), { timeout: 15_000 }).toBe(before + 1);
    // The workspace's own actions only: the execution queue is shared with other workspaces.
    expect(await page.getByRole("heading", { level: 2 }).allTextContents()).toEqual(["Waiting and running", "Finished", "Recent failures"]);
  });

  it("counts stop at 1,000: the queue page and the navigation show 1,000+", async () => {
    const page = await pageFor("viewer");
    await page.goto(`${web.url}/queue`);
    await hydrated(page);
    const rows = (status: "executed" | "failed") =>
      Array.from({ length: COUNT_CAP + 1 }, (_, index) => ({ tenantId: tenant.id, proposerLabel: "e2e", actionType: "notify", parameters: { channel: "in_app", recipient: tenant.inbox, message: `${status} ${index}` }, status }));
    await environment.db.agentAction.createMany({ data: [...rows("executed"), ...rows("failed")] });
    const executed = page.getByTestId("actions-executed").locator(".stat-value");
    await expect.poll(() => executed.textContent(), { timeout: 15_000 }).toBe("1,000+");
    expect(await page.getByRole("link", { name: /Queue/ }).getByLabel("1,000+ failed").textContent()).toBe("1,000+");
  });

  it("the items browser lists items by kind and shows an item's fields and the actions that touched it", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Items browser project", data: { status: "active" } });
    const { action } = await api.client(tenant.keys.agent).action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "done" } } });
    const page = await pageFor("viewer");
    await page.goto(`${web.url}/items`);
    await hydrated(page);
    await page.getByRole("link", { name: "Projects" }).click();
    await page.waitForURL(/kind=project/);
    await page.locator(`a[data-item-id="${project.id}"]`).click();
    await page.waitForURL(`${web.url}/items/${project.id}`);
    expect(await page.getByTestId("item-title").textContent()).toBe("Items browser project");
    expect(await page.getByTestId("item-fields").textContent()).toContain("active");
    expect(await page.locator(`tr[data-action-id="${action.id}"]`).textContent()).toContain("Pending");
  });
});

describe("the session", () => {
  it("signs out, after which the console asks to sign in again", async () => {
    const page = await pageFor("viewer");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${web.url}/sign-in`);
    await page.goto(`${web.url}/history?status=pending`);
    await page.waitForURL(/\/sign-in\?redirectTo=/);
    expect(decodeURIComponent(new URL(page.url()).searchParams.get("redirectTo") ?? "")).toBe("/history?status=pending");
  });

  it("on a phone, the navigation opens from the Menu button at the top", async () => {
    const page = await pageFor("approver", { viewport: { width: 390, height: 844 } });
    await page.locator("summary.nav-menu-button").click();
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "History" }).click();
    await page.waitForURL(`${web.url}/history`);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
  });
});
