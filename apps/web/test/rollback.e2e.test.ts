import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { approveAction, rollbackAction } from "@leash/core";
import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let api: TenantConsoleStack["api"];
let web: RunningConsole;
let page: Page;

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, api, web } = stack);
  page = await stack.pageFor("approver");
});

afterAll(() => stack.close());

/** Proposes an update through the API, approves it and waits until the worker executed it. */
async function executedUpdate(projectId: number, data: Record<string, string>) {
  const { action } = await api.client(tenant.keys.agent).action.propose.mutate({ actionType: "update", targetType: "project", targetId: projectId, parameters: { data } });
  await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
  await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).status === "executed", { what: `#${action.id} executed` });
  return action.id;
}

const projectData = async (id: number) => (await environment.db.item.findUniqueOrThrow({ where: { id } })).data;

describe("rollback from the action detail page", () => {
  it("shows the preview in a dialog; Cancel changes nothing; Confirm undoes the action and the item page shows the restored state", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch", data: { status: "active", dueDate: "2026-12-01" } });
    const actionId = await executedUpdate(project.id, { status: "at_risk", dueDate: "2026-12-15" });

    await page.goto(`${web.url}/actions/${actionId}`);
    await hydrated(page);
    await page.getByRole("link", { name: "Roll back…" }).click();
    const dialog = page.getByRole("dialog", { name: `Roll back #${actionId}?` });
    await dialog.waitFor();
    const preview = await dialog.getByTestId("rollback-steps").textContent();
    expect(preview).toMatch(/status\s*at risk\s*→\s*active/);
    expect(preview).toMatch(/due date\s*2026-12-15\s*→\s*2026-12-01/);

    await dialog.getByRole("link", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(new URL(page.url()).pathname).toBe(`/actions/${actionId}`);
    expect((await environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).rollbackActionId).toBeNull();
    expect(await environment.db.agentAction.count({ where: { rollbackOfId: actionId } })).toBe(0);
    expect(await projectData(project.id)).toMatchObject({ status: "at_risk", dueDate: "2026-12-15" });

    await page.getByRole("link", { name: "Roll back…" }).click();
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Confirm rollback" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.locator(".notice-region").textContent()).toContain("Rollback started");
    await page.locator('[data-testid="action-status"] .badge-rolled-back').waitFor();
    expect(await page.getByRole("list", { name: "Timeline" }).locator('li[data-event="rolled_back"]').count()).toBe(1);

    await page.goto(`${web.url}/items/${project.id}`);
    await hydrated(page);
    const fields = await page.getByTestId("item-fields").textContent();
    expect(fields).toContain("active");
    expect(fields).toContain("2026-12-01");
    expect(fields).not.toContain("at risk");
    const undo = await environment.db.agentAction.findFirstOrThrow({ where: { rollbackOfId: actionId } });
    expect(await page.locator(`tr[data-action-id="${undo.id}"]`).textContent()).toContain("Executed");
  });

  it("after its undo failed, the action offers Roll back again, and the second rollback goes through", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Help centre", data: { status: "planned" } });
    const actionId = await executedUpdate(project.id, { status: "active" });
    // Someone removes the project by hand: the first undo has nothing to restore, and fails.
    await environment.db.item.update({ where: { id: project.id }, data: { deletedAt: new Date() } });
    const [undo] = (await rollbackAction(environment.deps, { actor: tenant.approver, input: { actionId, confirm: true } })).undoActions;
    await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: undo?.id ?? 0 } })).status === "failed", { what: "the undo to fail" });
    await environment.db.item.update({ where: { id: project.id }, data: { deletedAt: null } });

    await page.goto(`${web.url}/actions/${actionId}`);
    await hydrated(page);
    expect(await page.getByText("(in progress)").count()).toBe(0);
    await page.getByRole("link", { name: "Roll back…" }).click();
    const dialog = page.getByRole("dialog", { name: `Roll back #${actionId}?` });
    await dialog.getByRole("button", { name: "Confirm rollback" }).click();
    await dialog.waitFor({ state: "detached" });
    await page.locator('[data-testid="action-status"] .badge-rolled-back').waitFor();
    expect(await projectData(project.id)).toMatchObject({ status: "planned" });
  });

  it("names the later change that blocks a rollback, and with cascade undoes both, newest first", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Customer portal", data: { status: "planned" } });
    const first = await executedUpdate(project.id, { status: "active" });
    const later = await executedUpdate(project.id, { status: "done" });

    await page.goto(`${web.url}/actions/${first}/rollback`);
    await hydrated(page);
    const dialog = page.getByRole("dialog", { name: `Roll back #${first}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain(`#${later}`);
    expect(await dialog.getByRole("button", { name: /Confirm/ }).count()).toBe(0);

    await dialog.getByRole("link", { name: /undoing the later changes too/ }).click();
    await page.waitForURL(/cascade=1/);
    const steps = dialog.getByTestId("rollback-steps").locator(":scope > li");
    await expect.poll(() => steps.count()).toBe(2);
    expect(await steps.first().textContent()).toContain(`#${later}`);
    await dialog.getByRole("button", { name: "Confirm: roll back all 2" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitFor(async () => JSON.stringify(await projectData(project.id)) === JSON.stringify({ status: "planned" }), { what: "status planned again" });
  });

  it("says why an action cannot be rolled back", async () => {
    const { action } = await api.client(tenant.keys.agent).action.propose.mutate({
      actionType: "notify",
      parameters: { channel: "email", recipient: "dana@example.com", message: "Deploy done" },
    });
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
    await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).status === "executed", { what: "notify executed" });
    await page.goto(`${web.url}/actions/${action.id}/rollback`);
    const dialog = page.getByRole("dialog", { name: `Roll back #${action.id}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("cannot be recalled");
    expect(await dialog.getByRole("button", { name: /Confirm/ }).count()).toBe(0);
  });
});
