import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;
let page: Page;

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
  page = await stack.pageFor("approver");
});

afterAll(() => stack.close());

describe("templates", () => {
  it("are created in the UI (with messages next to invalid fields), run with a form built from their parameters, and their actions execute", async () => {
    const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch" });

    await page.goto(`${web.url}/templates`);
    await hydrated(page);
    await page.getByRole("link", { name: "New template" }).click();
    await page.waitForURL(`${web.url}/templates/new`);
    await hydrated(page);

    const form = page.getByRole("form", { name: "New template" });
    await form.getByLabel("Parameter 1 name").fill("name");
    await form.getByRole("button", { name: "+ Add a parameter" }).click();
    await form.getByLabel("Parameter 2 name").fill("projectId");
    await form.locator('select[name="parameters.1.type"]').selectOption("integer");
    await form.locator('select[name="steps.0.actionType"]').selectOption("create");
    await form.locator('select[name="steps.0.targetType"]').selectOption("person");
    // Choosing the type shows its fields at once; a placeholder goes where text is wanted.
    await form.locator('input[name="steps.0.p.title"]').fill("{{params.name}}");
    await form.locator('input[name="steps.0.p.data.0.key"]').fill("email");
    await form.locator('input[name="steps.0.p.data.0.value"]').fill("not an email");
    await form.getByRole("button", { name: "+ Add a step" }).click();
    await form.locator('select[name="steps.1.actionType"]').selectOption("link");
    await form.locator('select[name="steps.1.targetType"]').selectOption("person");
    await form.locator('input[name="steps.1.targetId"]').fill("{{steps.0.result.itemId}}");
    await form.locator('select[name="steps.1.p.toType"]').selectOption("project");
    // A placeholder is accepted where the schema wants a number.
    await form.locator('input[name="steps.1.p.toId"]').fill("{{params.projectId}}");
    await form.locator('input[name="steps.1.p.relation"]').fill("works_on");
    await form.getByRole("button", { name: "Save template" }).click();

    // The name is missing and the email is not one: each message sits next to its field, nothing is saved.
    const name = form.getByLabel("Name", { exact: true });
    await expect.poll(() => name.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#name-error").textContent()).toBeTruthy();
    expect(await page.locator('[id="steps.0.p.data-error"]').textContent()).toContain("email");
    expect(await environment.db.actionTemplate.count()).toBe(0);

    await name.fill("Onboard a person");
    await form.getByLabel("Description", { exact: true }).fill("Creates the person and puts them on a project");
    await form.locator('input[name="steps.0.p.data.0.key"]').fill("");
    await form.locator('input[name="steps.0.p.data.0.value"]').fill("");
    await form.getByRole("button", { name: "Save template" }).click();
    await page.waitForURL(`${web.url}/templates`);
    const card = page.getByRole("article", { name: "Onboard a person" });
    await card.waitFor();
    const cardText = await card.textContent();
    expect(cardText).toContain("projectId: integer");
    expect(cardText).toContain("link person {{steps.0.result.itemId}}");

    await card.getByRole("link", { name: "Run…" }).click();
    await hydrated(page);
    await page.getByLabel(/^name/).fill("Ada Lovelace");
    await page.getByLabel(/^projectId/).fill(String(project.id));
    await page.getByRole("button", { name: "Run “Onboard a person”" }).click();
    await page.waitForURL(/\/run\?actions=/);
    const run = page.getByTestId("run-actions");
    await expect.poll(() => run.locator("li").count()).toBe(2);
    const actionIds = await run.locator("li").evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-action-id"))));

    // Both steps wait for a person other than the one who ran the template (separation of duties):
    // the admin approves them in the inbox, and the run page follows them.
    const admin = await stack.pageFor("admin");
    for (const id of actionIds) {
      await admin.goto(`${web.url}/?selected=${id}`);
      await hydrated(admin);
      await admin.locator(`article[data-action-id="${id}"]`).getByRole("button", { name: "Approve", exact: true }).click();
      await expect.poll(() => admin.locator(".notice-region").textContent()).toContain(`Approved #${id}`);
    }
    await page.reload();
    await hydrated(page);
    await expect.poll(() => run.locator('[data-status="executed"]').count(), { timeout: 20_000 }).toBe(2);

    const person = await environment.db.item.findFirstOrThrow({ where: { tenantId: tenant.id, kind: "person", title: "Ada Lovelace" } });
    expect(await environment.db.link.count({ where: { fromId: person.id, toId: project.id, relation: "works_on" } })).toBe(1);
  });

  it("edits a template and deletes it after confirmation", async () => {
    await page.goto(`${web.url}/templates`);
    await hydrated(page);
    const card = page.getByRole("article", { name: "Onboard a person" });
    await card.getByRole("link", { name: "Edit" }).click();
    await hydrated(page);
    await page.getByLabel("Name", { exact: true }).fill("Onboard someone");
    await page.getByRole("button", { name: "Save template" }).click();
    await page.waitForURL(`${web.url}/templates`);
    const renamed = page.getByRole("article", { name: "Onboard someone" });
    await renamed.waitFor();

    await renamed.getByText("Delete…").click();
    await renamed.getByRole("button", { name: "Yes, delete “Onboard someone”" }).click();
    await renamed.waitFor({ state: "detached" });
    await waitFor(async () => (await environment.db.actionTemplate.count()) === 0, { what: "template deleted" });
  });
});
