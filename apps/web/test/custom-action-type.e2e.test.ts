import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { proposeAction, registerActionType, type ActionProposal } from "@leash/core";
import { createTestEnvironment, createTestItem, createTestTenant, renameItemActionType, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";
import { startTestWorker } from "@leash/worker/test-support";

import { givePasswords, hydrated, launchBrowser, signInAs, startConsole, type RunningConsole } from "./support.ts";

// The type lives in one module. This process (the worker, the proposals) registers it here; the
// console is another process and learns it only from LEASH_ACTION_TYPES, as a deployment would.
registerActionType(renameItemActionType);
const typeModule = fileURLToPath(new URL("../../../packages/core/src/testing/rename-item-action-type.ts", import.meta.url));

let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;
let browser: Browser;
let page: Page;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  if (!existsSync(typeModule)) throw new Error(`The test type module is not at ${typeModule}`);
  try {
    environment = await createTestEnvironment();
    closers.push(() => environment.close());
    tenant = await createTestTenant(environment.db, "acme");
    await givePasswords(environment, tenant);
    const worker = await startTestWorker(environment);
    closers.push(() => worker.close());
    web = await startConsole(environment, { LEASH_ACTION_TYPES: typeModule });
    closers.push(() => web.close());
    browser = await launchBrowser();
    closers.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    closers.push(() => context.close());
    page = await context.newPage();
    await signInAs(page, web.url, tenant, "approver");
  } catch (error) {
    await closeAll();
    throw error;
  }
});

async function closeAll() {
  for (const closer of closers.splice(0).reverse()) await closer();
}

afterAll(closeAll);

const rowOf = (actionId: number) => environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } });
const card = (actionId: number) => page.locator(`article[data-action-id="${actionId}"]`);

async function proposeRename(title: string, newTitle: string) {
  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title, data: { status: "active" } });
  const input: ActionProposal = { actionType: "rename_item", targetType: "project", targetId: project.id, parameters: { title: newTitle } };
  const { action } = await proposeAction(environment.deps, { actor: tenant.agent, input });
  return { action, project };
}

describe("a type registered from one module, in the console", () => {
  it("the inbox shows its headline and before/after; Approve runs it; the detail page shows it executed", async () => {
    await page.goto(`${web.url}/`);
    await hydrated(page);
    const { action, project } = await proposeRename("Website relaunch", "Website 2.0");
    const pending = card(action.id);
    await pending.waitFor();
    expect(await pending.getByRole("heading", { level: 2 }).textContent()).toBe('Rename project "Website relaunch" to "Website 2.0"');
    const facts = await pending.locator("dl.facts").textContent();
    expect(facts).toContain("Rename item");
    expect(facts).toMatch(/Reversible\s*Yes\s*\(rollback gives back the old title\)/);
    const changes = pending.getByRole("region", { name: "Changes" });
    expect(await changes.locator(".change-field").allTextContents()).toEqual(["title"]);
    expect(await changes.locator(".change-before").textContent()).toBe("Website relaunch");
    expect(await changes.locator(".change-after").textContent()).toBe("Website 2.0");
    // A console that did not know the type would say so instead.
    expect(await pending.textContent()).not.toContain("is not a known action type");

    await pending.getByRole("button", { name: "Approve" }).click();
    await pending.waitFor({ state: "detached" });
    await expect.poll(() => page.locator(".notice-region").textContent()).toContain(`Approved #${action.id}`);
    await waitFor(async () => (await rowOf(action.id)).status === "executed", { what: `#${action.id} to execute` });
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).title).toBe("Website 2.0");

    await page.goto(`${web.url}/actions/${action.id}`);
    await hydrated(page);
    await page.locator('[data-testid="action-status"] [data-status="executed"]').waitFor();
    // Once it ran, it still reads as the change it made: from the title it found to the new one.
    expect(await page.locator("h1").first().textContent()).toBe(`#${action.id} · Rename project "Website relaunch" to "Website 2.0"`);
    const detailChanges = page.locator('section[aria-labelledby="changes-heading"]');
    expect(await detailChanges.locator(".change-before").textContent()).toBe("Website relaunch");
    expect(await detailChanges.locator(".change-after").textContent()).toBe("Website 2.0");
    const timeline = page.getByRole("list", { name: "Timeline" });
    await expect.poll(() => timeline.locator('li[data-event="executed"]').count()).toBe(1);
    expect(await timeline.locator('li[data-event="approved"]').textContent()).toContain(`by ${tenant.approver.label}`);
  });

  it("the Roll back dialog shows the title going back, and Confirm restores it on the item page", async () => {
    const { action, project } = await proposeRename("Customer portal", "Client portal");
    await page.goto(`${web.url}/`);
    await hydrated(page);
    await card(action.id).getByRole("button", { name: "Approve" }).click();
    await card(action.id).waitFor({ state: "detached" });
    await waitFor(async () => (await rowOf(action.id)).status === "executed", { what: `#${action.id} to execute` });

    await page.goto(`${web.url}/actions/${action.id}`);
    await hydrated(page);
    await page.getByRole("link", { name: "Roll back…" }).click();
    const dialog = page.getByRole("dialog", { name: `Roll back #${action.id}?` });
    await dialog.waitFor();
    const steps = await dialog.getByTestId("rollback-steps").textContent();
    expect(steps).toContain(`gives project #${project.id} its old title back`);
    expect(steps).toMatch(/title\s*Client portal\s*→\s*Customer portal/);
    // Nothing changes before the confirmation.
    expect((await environment.db.item.findUniqueOrThrow({ where: { id: project.id } })).title).toBe("Client portal");

    await dialog.getByRole("button", { name: "Confirm rollback" }).click();
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => page.locator(".notice-region").textContent()).toContain("Rollback started");
    await page.locator('[data-testid="action-status"] .badge-rolled-back').waitFor();

    await page.goto(`${web.url}/items/${project.id}`);
    await hydrated(page);
    expect(await page.getByTestId("item-title").textContent()).toBe("Customer portal");
    const undo = await environment.db.agentAction.findFirstOrThrow({ where: { rollbackOfId: action.id } });
    expect(undo).toMatchObject({ actionType: "rename_item", status: "executed" });
    expect(await page.locator(`tr[data-action-id="${undo.id}"]`).textContent()).toContain("Executed");
  });
});
