import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { hydrated, startConsoleStack, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;

beforeAll(async () => {
  stack = await startConsoleStack();
});

afterAll(() => stack.close());

/** Every refusal the page shows: under fields, in notices and alerts. */
async function shownRefusals(page: Page): Promise<string[]> {
  return (await page.locator(".field-error, .notice-error, [role=alert]").allTextContents()).map((text) => text.trim()).filter(Boolean);
}

/** Zod's own wording, which a person must never read. */
const ZOD_WORDS = /expected|received|NaN|Invalid input/;

async function expectPlainRefusals(page: Page): Promise<void> {
  const shown = await shownRefusals(page);
  expect(shown.length).toBeGreaterThan(0);
  for (const message of shown) expect(message).not.toMatch(ZOD_WORDS);
}

describe("validation messages in the console", () => {
  it("names a template parameter given text for a number, in plain words", async () => {
    const template = await stack.api.client(stack.tenant.keys.approver).template.create.mutate({
      name: "Rank an idea",
      parameters: [{ name: "priority", type: "number" }],
      steps: [{ actionType: "create", targetType: "idea", parameters: { title: "Priority {{params.priority}}" } }],
    });
    const page = await stack.pageFor("approver");
    await page.goto(`${stack.web.url}/templates/${template.id}/run`);
    await hydrated(page);
    // A browser without number inputs (or a pasted value) sends the text as typed.
    await page.locator('input[name="param.priority"]').evaluate((input: HTMLInputElement) => {
      input.type = "text";
      input.value = "high";
    });
    await page.getByRole("button", { name: "Run “Rank an idea”" }).click();
    await expect.poll(() => page.locator('[id="param.priority-error"]').textContent()).toBe("Priority must be a number");
    await expectPlainRefusals(page);
    expect(await stack.environment.db.agentAction.count({ where: { templateId: template.id } })).toBe(0);
    await page.context().close();
  });

  it("names a policy's negative duration, in plain words", async () => {
    const page = await stack.pageFor("admin");
    await page.goto(`${stack.web.url}/policies`);
    await hydrated(page);
    const before = await stack.environment.db.approvalPolicy.count({ where: { tenantId: stack.tenant.id } });
    await page.getByLabel("Action type").selectOption("update");
    await page.getByLabel("Expires after", { exact: true }).fill("-5");
    await page.getByRole("button", { name: "Save policy" }).click();
    await expect.poll(() => page.locator("#expiresAfter-error").textContent()).toBe("Expires after must be at least 1 day");
    await expectPlainRefusals(page);
    expect(await stack.environment.db.approvalPolicy.count({ where: { tenantId: stack.tenant.id } })).toBe(before);
    await page.context().close();
  });

  it("names an API key's missing name, in plain words", async () => {
    const page = await stack.pageFor("admin");
    await page.goto(`${stack.web.url}/api-keys`);
    await hydrated(page);
    const before = await stack.environment.db.apiKey.count({ where: { tenantId: stack.tenant.id } });
    await page.getByLabel("Name", { exact: true }).fill("   ");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => page.locator("#name-error").textContent()).toBe("The name is required");
    await expectPlainRefusals(page);
    expect(await stack.environment.db.apiKey.count({ where: { tenantId: stack.tenant.id } })).toBe(before);
    await page.context().close();
  });
});

describe("an address the console does not have", () => {
  it("answers 404 with a page in plain words, in the browser too", async () => {
    const page = await stack.pageFor("viewer");
    const response = await page.goto(`${stack.web.url}/login`);
    expect(response?.status()).toBe(404);
    await hydrated(page);
    const card = page.locator(".error-card");
    await expect.poll(() => card.locator("h1").textContent()).toBe("Not found");
    expect(await card.locator("p:not(.eyebrow)").textContent()).toBe("This page does not exist.");
    expect(await page.locator("body").innerText()).not.toMatch(/No route matches/);
    await page.context().close();
  });
});
