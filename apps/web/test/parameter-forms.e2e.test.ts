import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, passwords, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
});

afterAll(() => stack.close());

const field = (page: Page, name: string) => page.locator(`[name="${name}"]`);
const errorOf = (page: Page, name: string) => page.locator(`[id="${name}-error"]`);
const actionRow = (actionId: number) => environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
const executed = (actionId: number) => waitFor(async () => (await actionRow(actionId)).status === "executed", { what: `#${actionId} executed` });

/** A page signed in through the plain form, with scripts off: every form must work as a real post. */
async function pageWithoutScripts(role: "approver" | "admin"): Promise<Page> {
  const page = await stack.newPage({ javaScriptEnabled: false });
  await page.goto(`${web.url}/sign-in`);
  await page.getByLabel("Workspace").fill(tenant.slug);
  await page.getByLabel("Email").fill(`${role}@${tenant.slug}.test`);
  await page.getByLabel("Password").fill(passwords[role]);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${web.url}/`);
  return page;
}

describe("parameters edited in forms built from the action type's schema", () => {
  it("edit and approve an update by changing one field (the inbox's e opens this form): the item gets the new value", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Form project", data: { status: "active", owner: "Ada" } });
    const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "at_risk", owner: "Ada" } } });
    const page = await stack.pageFor("approver");
    await page.goto(`${web.url}/actions/${action.id}?edit`);
    await hydrated(page);
    // One row per data field, in the order Postgres keeps them: change the status row's value only.
    const keys = await page.locator('input[name^="p.data."][name$=".key"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(keys).toEqual(expect.arrayContaining(["status", "owner", ""]));
    await field(page, `p.data.${keys.indexOf("status")}.value`).fill("done");
    await page.getByRole("button", { name: "Approve with edits" }).click();
    await executed(action.id);
    const item = await environment.db.item.findUniqueOrThrow({ where: { id: project.id } });
    expect(item.data).toEqual({ status: "done", owner: "Ada" });
    expect(item.title).toBe("Form project");
  });

  it("without scripts: text in a number field is a plain error under it and changes nothing; a number approves", async () => {
    const person = await createTestItem(environment.db, tenant.id, { kind: "person", title: "Grace Hopper" });
    const first = await createTestItem(environment.db, tenant.id, { kind: "project", title: "First project" });
    const second = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Second project" });
    const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({ actionType: "link", targetType: "person", targetId: person.id, parameters: { toType: "project", toId: first.id, relation: "works_on" } });
    const page = await pageWithoutScripts("approver");
    await page.goto(`${web.url}/actions/${action.id}?edit`);
    expect(await field(page, "p.toId").inputValue()).toBe(String(first.id));
    await field(page, "p.toId").fill("the second one");
    await field(page, "p.relation").fill("leads");
    await page.getByRole("button", { name: "Approve with edits" }).click();
    await expect.poll(() => errorOf(page, "p.toId").textContent()).toMatch(/whole number/i);
    expect(await field(page, "p.toId").getAttribute("aria-invalid")).toBe("true");
    // What was typed is still there, and nothing was decided.
    expect(await field(page, "p.relation").inputValue()).toBe("leads");
    const refused = await actionRow(action.id);
    expect(refused.status).toBe("pending");
    expect(refused.parameters).toEqual({ toType: "project", toId: first.id, relation: "works_on" });

    await field(page, "p.toId").fill(String(second.id));
    await page.getByRole("button", { name: "Approve with edits" }).click();
    await executed(action.id);
    expect(await environment.db.link.count({ where: { fromId: person.id, toId: second.id, relation: "leads" } })).toBe(1);
  });

  it("a template step's parameters are fields: without scripts, choosing the type and saving shows its fields, keeping what was typed", async () => {
    const page = await pageWithoutScripts("admin");
    await page.goto(`${web.url}/templates/new`);
    await page.getByLabel("Name", { exact: true }).fill("Note an idea");
    await field(page, "steps.0.actionType").selectOption("create");
    await field(page, "steps.0.targetType").selectOption("idea");
    await field(page, "steps.0.reason").fill("from the form");
    await page.getByRole("button", { name: "Save template" }).click();
    await expect.poll(() => field(page, "steps.0.p.title").count()).toBe(1);
    expect(await errorOf(page, "steps.0.p").textContent()).toContain("create");
    expect(await field(page, "steps.0.reason").inputValue()).toBe("from the form");
    expect(await environment.db.actionTemplate.count({ where: { tenantId: tenant.id, name: "Note an idea" } })).toBe(0);

    await field(page, "steps.0.p.title").fill("{{params.title}}");
    await field(page, "steps.0.p.data.0.key").fill("score");
    await field(page, "steps.0.p.data.0.value").fill("7");
    await field(page, "parameters.0.name").fill("title");
    await field(page, "parameters.0.description").fill("What the idea is called");
    await page.getByRole("button", { name: "Save template" }).click();
    await page.waitForURL(`${web.url}/templates`);
    const saved = await environment.db.actionTemplate.findFirstOrThrow({ where: { tenantId: tenant.id, name: "Note an idea" } });
    expect(saved.parameters).toEqual([{ name: "title", type: "string", required: true, description: "What the idea is called" }]);
    expect(saved.actions).toEqual([{ actionType: "create", targetType: "idea", parameters: { title: "{{params.title}}", data: { score: 7 } }, reason: "from the form" }]);
  });
});
