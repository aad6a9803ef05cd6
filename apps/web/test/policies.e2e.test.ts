import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { proposeAction, setPolicy } from "@leash/core";
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

async function proposeUpdate(title: string) {
  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title, data: { status: "active" } });
  const { action } = await api.client(tenant.keys.agent).action.propose.mutate({
    actionType: "update",
    targetType: "project",
    targetId: project.id,
    parameters: { data: { status: "at_risk" } },
  });
  return { action, project };
}

const card = (page: Page, actionId: number) => page.locator(`article[data-action-id="${actionId}"]`);
const statusOf = async (actionId: number) => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).status;
const executed = (actionId: number) => waitFor(async () => (await statusOf(actionId)) === "executed", { what: `#${actionId} executed` });

describe("the Policies page", () => {
  it("is linked in the nav for admins, says inline what is wrong with a policy, and saves a valid one", async () => {
    const page = await pageFor("admin");
    await page.getByRole("link", { name: "Policies" }).click();
    await page.waitForURL(`${web.url}/policies`);
    await hydrated(page);
    await expect.poll(() => page.getByRole("heading", { name: "Policies", level: 1 }).isVisible()).toBe(true);

    const remind = page.getByLabel("Remind after", { exact: true });
    const expires = page.getByLabel("Expires after", { exact: true });
    await page.getByLabel("Action type").selectOption("notify");
    // A wait that is not a whole number of its unit is refused under its field, before anything else.
    await remind.fill("1.5");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect.poll(() => page.locator("#remindAfter-error").textContent()).toContain("whole number of hours");
    expect(await environment.db.approvalPolicy.count({ where: { tenantId: tenant.id, actionType: "notify" } })).toBe(0);

    await remind.fill("10");
    await page.getByLabel("Remind after: unit").selectOption("minutes");
    await expires.fill("5");
    await page.getByLabel("Expires after: unit").selectOption("minutes");
    await page.getByLabel("At expiry").selectOption("auto_approve");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect.poll(() => page.locator("#remindAfter-error").textContent()).toContain("before the action expires");
    expect(await page.locator("#expiryFallback-error").textContent()).toContain("Notify cannot be rolled back");
    expect(await remind.getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Action type").selectOption("delete");
    await page.getByLabel("Target type").selectOption("project");
    await page.getByLabel("Approvers needed").fill("2");
    // Two hours is stored as 7200 seconds and read as "2 h".
    await remind.fill("2");
    await page.getByLabel("Remind after: unit").selectOption("hours");
    await expires.fill("");
    await page.getByLabel("At expiry").selectOption("reject");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect.poll(() => page.getByTestId("policies").textContent()).toContain("Delete on project needs 2 distinct approvers; the proposer may not approve; reminder after 2 h.");
    expect(await environment.db.approvalPolicy.count({ where: { tenantId: tenant.id, actionType: "delete", targetType: "project", requiredApprovals: 2, remindAfterSeconds: 7_200 } })).toBe(1);
    expect(await page.getByTestId("policies").textContent()).toContain("2 h / — / —");
  });

  it("is read-only for an approver", async () => {
    const page = await pageFor("approver");
    await page.goto(`${web.url}/policies`);
    await hydrated(page);
    await expect.poll(() => page.getByText("Only admins can change these.").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Save policy" }).count()).toBe(0);
  });
});

describe("deciding under policies in the console", () => {
  it("quorum 2: the first approval leaves the card with '1 of 2 approvals', a second approver's runs it", async () => {
    await setPolicy(environment.deps, { actor: tenant.admin, input: { actionType: "update", targetType: "project", requiredApprovals: 2 } });
    try {
      const { action } = await proposeUpdate("Needs two");
      const dana = await pageFor("approver");
      await expect.poll(() => card(dana, action.id).getByTestId("approvals").textContent()).toContain("0 of 2 approvals");
      await card(dana, action.id).getByRole("button", { name: "Approve" }).click();
      // Dana's part is done: the action moves to "You already approved", where she can still read it.
      await dana.locator(`section[data-group="you_approved"] [data-row-id="${action.id}"]`).getByRole("link").click();
      await expect.poll(() => card(dana, action.id).getByTestId("approvals").textContent()).toContain("1 of 2 approvals");
      expect(await card(dana, action.id).getByTestId("approvals").textContent()).toContain(tenant.approver.label);
      expect(await statusOf(action.id)).toBe("pending");

      const ada = await pageFor("admin");
      await card(ada, action.id).getByRole("button", { name: "Approve" }).click();
      await executed(action.id);
    } finally {
      await setPolicy(environment.deps, { actor: tenant.admin, input: { actionType: "update", targetType: "project" } });
    }
  });

  it("the proposer sees why they may not approve their own action instead of a button, a crafted approval is refused (403), and nothing changes", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Dana's own", data: { status: "active" } });
    const { action } = await proposeAction(environment.deps, {
      actor: tenant.approver,
      input: { actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "done" } } },
    });
    const page = await pageFor("approver");
    await page.goto(`${web.url}/?selected=${action.id}`);
    await hydrated(page);
    expect(await card(page, action.id).getByTestId("refusal").textContent()).toContain("separation of duties requires another approver");
    expect(await card(page, action.id).getByRole("button", { name: "Approve" }).count()).toBe(0);

    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const response = await page.request.post(`${web.url}/actions/${action.id}`, { form: { csrf, intent: "approve" }, maxRedirects: 0 });
    expect(response.status()).toBe(403);
    const fromInbox = await page.request.post(`${web.url}/?index`, { form: { csrf, intent: "approve", actionId: String(action.id) }, maxRedirects: 0 });
    expect(fromInbox.status()).toBe(403);
    expect(await fromInbox.text()).toContain("separation of duties requires another approver");
    expect(await statusOf(action.id)).toBe("pending");
  });

  it("approve with edits in the JSON view of the detail page: invalid edits are refused in the form, valid ones run and the timeline shows the edit", async () => {
    const { action, project } = await proposeUpdate("Edited in the console");
    const page = await pageFor("approver");
    await page.goto(`${web.url}/actions/${action.id}`);
    await hydrated(page);
    await page.getByText("Edit parameters, then approve").click();
    await page.getByText("Advanced: edit as JSON").click();
    const editor = page.getByLabel("Parameters (JSON)");
    expect(JSON.parse(await editor.inputValue())).toEqual({ data: { status: "at_risk" } });

    await editor.fill('{"data": {"status": "on fire"}}');
    await page.getByRole("button", { name: "Approve with edits" }).click();
    await expect.poll(() => page.locator("#parameters-error").textContent()).toContain("status");
    expect(await statusOf(action.id)).toBe("pending");

    await editor.fill('{"data": {"status": "done"}}');
    await page.getByRole("button", { name: "Approve with edits" }).click();
    await executed(action.id);
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).data).toEqual({ status: "done" });
    await page.reload();
    await hydrated(page);
    await expect.poll(() => page.locator('[data-event="parameters_edited"]').textContent()).toContain('Edited to: {"data":{"status":"done"}}');
    expect(await page.locator('[data-event="parameters_edited"]').textContent()).toContain(tenant.approver.label);
  });
});
