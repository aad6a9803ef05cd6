import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, passwords, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let api: TenantConsoleStack["api"];
let web: RunningConsole;
let newPage: TenantConsoleStack["newPage"];
let pageFor: TenantConsoleStack["pageFor"];

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, api, web, newPage, pageFor } = stack);
});

afterAll(() => stack.close());

const agent = () => api.client(tenant.keys.agent);

async function proposeUpdate(title: string, status: "at_risk" | "done", reason?: string) {
  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title, data: { status: "active" } });
  const { action } = await agent().action.propose.mutate({
    actionType: "update",
    targetType: "project",
    targetId: project.id,
    parameters: { data: { status } },
    ...(reason ? { reason } : {}),
  });
  return { action, project };
}

/** The selected action, beside the list. */
const card = (page: Page, actionId: number) => page.locator(`article[data-action-id="${actionId}"]`);
/** An action's row in the list. */
const row = (page: Page, actionId: number) => page.locator(`[data-row-id="${actionId}"]`);
const statusOf = async (actionId: number) => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).status;
const csrfOf = (page: Page) => page.locator('input[name="csrf"]').first().inputValue();

describe("the approval inbox", () => {
  it("refuses a wrong password with one message, then signs in", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/`);
    await page.waitForURL(`${web.url}/sign-in`);
    await hydrated(page);
    await page.getByLabel("Workspace").fill(tenant.slug);
    await page.getByLabel("Email").fill(`approver@${tenant.slug}.test`);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("do not match an account");
    await page.getByLabel("Password").fill(passwords.approver);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${web.url}/`);
    await expect.poll(() => page.locator(".account").textContent()).toContain("Dana (acme)");
    const cookie = (await page.context().cookies()).find((entry) => entry.name === "leash_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  });

  it("shows an action proposed through the API without a reload; Approve runs it; the detail page shows it executed with the approver", async () => {
    const page = await pageFor("approver");
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const { action, project } = await proposeUpdate("Website relaunch", "at_risk", "Deadline moved after the client call");
    const arrived = card(page, action.id);
    await arrived.waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    const text = await arrived.textContent();
    expect(text).toContain('Update project "Website relaunch"');
    expect(text).toContain('agent key "agent-acme"');
    expect(text).toContain("Deadline moved after the client call");
    expect(text).toMatch(/status\s*active\s*→\s*at risk/);

    await arrived.getByRole("button", { name: "Approve" }).click();
    await arrived.waitFor({ state: "detached" });
    await expect.poll(() => page.locator(".notice-region").textContent()).toContain(`Approved #${action.id}`);

    await page.goto(`${web.url}/actions/${action.id}`);
    await hydrated(page);
    await page.locator('[data-testid="action-status"] [data-status="executed"]').waitFor();
    const timeline = page.getByRole("list", { name: "Timeline" });
    await expect.poll(() => timeline.locator('li[data-event="executed"]').count()).toBe(1);
    expect(await timeline.locator('li[data-event="approved"]').textContent()).toContain("by Dana (acme)");
    const item = await environment.db.item.findUniqueOrThrow({ where: { id: project.id } });
    expect(item.data).toMatchObject({ status: "at_risk" });
  });

  it("refuses Reject without a reason at the field, and records the reason when one is given", async () => {
    const page = await pageFor("approver");
    const { action } = await proposeUpdate("Customer portal", "done");
    const pending = card(page, action.id);
    await pending.waitFor();

    await pending.getByRole("button", { name: `Reject #${action.id}` }).click();
    const reason = pending.getByLabel(`Why reject #${action.id}?`);
    await expect.poll(() => reason.getAttribute("aria-invalid")).toBe("true");
    const errorId = await reason.getAttribute("aria-describedby");
    expect(await page.locator(`#${errorId ?? "missing"}`).textContent()).toContain("A reason is required");
    expect(await statusOf(action.id)).toBe("pending");

    await reason.fill("Not before the client confirms");
    await pending.getByRole("button", { name: `Reject #${action.id}` }).click();
    await pending.waitFor({ state: "detached" });
    const rejected = await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } });
    expect(rejected).toMatchObject({ status: "rejected", rejectionReason: "Not before the client confirms", decidedByLabel: "Dana (acme)" });
    const event = await environment.db.actionEvent.findFirstOrThrow({ where: { actionId: action.id, type: "rejected" } });
    expect(event.details).toEqual({ reason: "Not before the client confirms" });
  });

  it("approves several selected actions at once", async () => {
    const page = await pageFor("approver");
    const first = await proposeUpdate("Bulk one", "done");
    const second = await proposeUpdate("Bulk two", "done");
    await card(page, second.action.id).waitFor();
    await row(page, first.action.id).getByRole("checkbox", { name: `Select #${first.action.id}` }).check();
    await row(page, second.action.id).getByRole("checkbox", { name: `Select #${second.action.id}` }).check();
    await expect.poll(() => page.locator(".bulk-bar").textContent()).toContain("2 selected");
    await page.getByRole("button", { name: "Approve selected" }).click();
    await expect.poll(() => page.locator(".notice-region").textContent()).toContain("Approved 2 actions");
    await waitFor(async () => (await statusOf(first.action.id)) === "executed" && (await statusOf(second.action.id)) === "executed", { what: "both executed" });
  });

  it("works without JavaScript: plain forms approve and show the outcome", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await page.goto(`${web.url}/sign-in`);
    await page.getByLabel("Workspace").fill(tenant.slug);
    await page.getByLabel("Email").fill(`approver@${tenant.slug}.test`);
    await page.getByLabel("Password").fill(passwords.approver);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${web.url}/`);
    const { action } = await proposeUpdate("No script project", "done");
    await page.reload();
    await card(page, action.id).getByRole("button", { name: "Approve" }).click();
    await expect.poll(() => page.locator(".notice-region").textContent()).toContain(`Approved #${action.id}`);
    expect(await card(page, action.id).count()).toBe(0);
    await waitFor(async () => (await statusOf(action.id)) === "executed", { what: "executed" });
  });

  it("shows a viewer no Approve button, and refuses a crafted approval by a viewer", async () => {
    const page = await pageFor("viewer");
    const { action } = await proposeUpdate("Viewer project", "done");
    const pending = card(page, action.id);
    await pending.waitFor();
    expect(await page.getByRole("button", { name: "Approve" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Approve selected" }).count()).toBe(0);
    expect(await pending.textContent()).toContain("Approvers decide");

    const response = await page.request.post(`${web.url}/?index`, { form: { csrf: await csrfOf(page), intent: "approve", actionId: String(action.id) } });
    expect(response.status()).toBe(403);
    expect(await response.text()).toContain("may not approve or reject actions");
    expect(await statusOf(action.id)).toBe("pending");
  });

  it("refuses a form post without the session's CSRF token, or with another one", async () => {
    const page = await pageFor("approver");
    const { action } = await proposeUpdate("CSRF project", "done");
    const missing = await page.request.post(`${web.url}/?index`, { form: { intent: "approve", actionId: String(action.id) } });
    expect(missing.status()).toBe(403);
    const forged = await page.request.post(`${web.url}/?index`, { form: { csrf: "forged-token", intent: "approve", actionId: String(action.id) } });
    expect(forged.status()).toBe(403);
    const signOut = await page.request.post(`${web.url}/sign-out`, { form: {}, maxRedirects: 0 });
    expect(signOut.status()).toBe(403);
    expect(await statusOf(action.id)).toBe("pending");

    const accepted = await page.request.post(`${web.url}/?index`, { form: { csrf: await csrfOf(page), intent: "approve", actionId: String(action.id) } });
    expect(accepted.status()).toBe(200);
    await waitFor(async () => (await statusOf(action.id)) !== "pending", { what: "approved" });
  });
});
