import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestTenant, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let globex: TestTenant;

beforeAll(async () => {
  stack = await startConsoleStack();
  globex = await createTestTenant(stack.environment.db, "globex");
});

afterAll(() => stack.close());

const row = (page: Page, name: string) => page.locator(`tr[data-key="${name}"]`);
/** The page's answer to the last form post (the console's toasts are another status region). */
const notice = (page: Page) => page.locator(".notice-region:not(.toast-region)");
const csrfOf = async (page: Page) => (await page.locator('input[name="csrf"]').first().getAttribute("value")) ?? "";

async function openApiKeys(page: Page): Promise<void> {
  await page.getByRole("link", { name: "API keys" }).click();
  await page.waitForURL(`${stack.web.url}/api-keys`);
  await hydrated(page);
}

/** What the API answers a key: the actions it may list, or the tRPC error code. */
const useKey = (key: string) => stack.api.client(key).action.list.query({}).then(() => "OK", (error: unknown) => (error as { data?: { code?: string } }).data?.code ?? "no code");

describe("the API keys page", () => {
  it("creates a key shown once that the API accepts, then lists its owner, role, expiry and last use", async () => {
    const page = await stack.pageFor("admin");
    await openApiKeys(page);
    await page.getByLabel("Name", { exact: true }).fill("crm-sync");
    await page.getByLabel("Role", { exact: true }).selectOption("agent");
    await page.getByLabel("Owner").selectOption({ label: `${stack.tenant.approver.label} (approver@acme.test)` });
    await page.getByLabel("Expiry date (optional)").fill("2099-01-31");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => notice(page).textContent()).toBe("Created crm-sync.");
    const key = (await page.getByTestId("secret-value").textContent()) ?? "";
    expect(key).toMatch(/^lsh_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(await useKey(key)).toBe("OK");

    await page.reload();
    await hydrated(page);
    expect(await page.getByTestId("secret-value").count()).toBe(0);
    expect(await page.content()).not.toContain(key);
    const cells = (await row(page, "crm-sync").locator("td").allTextContents()).map((text) => text.trim());
    expect(cells[1]).toBe("Agent");
    expect(cells[2]).toBe(stack.tenant.approver.label);
    expect(cells[4]).toContain("Jan 31, 2099");
    expect(cells[5]).toBe("just now");
    expect(cells[6]).toBe("Active");
    await page.context().close();
  });

  it("renames and revokes a key: the API refuses it as UNAUTHORIZED from then on", async () => {
    const page = await stack.pageFor("admin");
    await openApiKeys(page);
    await page.getByLabel("Name", { exact: true }).fill("temp-agent");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => notice(page).textContent()).toBe("Created temp-agent.");
    const key = (await page.getByTestId("secret-value").textContent()) ?? "";

    await row(page, "temp-agent").getByText("Rename…").click();
    await row(page, "temp-agent").getByLabel("New name of temp-agent").fill("nightly-import");
    await row(page, "temp-agent").getByRole("button", { name: "Save name" }).click();
    await expect.poll(() => notice(page).textContent()).toBe("Key renamed.");

    await row(page, "nightly-import").getByText("Revoke…").click();
    await row(page, "nightly-import").getByRole("button", { name: "Yes, revoke nightly-import" }).click();
    await expect.poll(() => notice(page).textContent()).toBe("Key revoked: requests with it are refused.");
    await expect.poll(() => row(page, "nightly-import").textContent()).toContain("Revoked");
    expect(await useKey(key)).toBe("UNAUTHORIZED");
    await page.context().close();
  });

  it("names bad fields, refuses a past expiry date, answers another workspace's key with 404", async () => {
    const page = await stack.pageFor("admin");
    await openApiKeys(page);
    await page.getByLabel("Expiry date (optional)").fill("2020-01-01");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => page.locator("#name-error").textContent()).toBe("The name is required");
    await page.getByLabel("Name", { exact: true }).fill("too-late");
    await page.getByRole("button", { name: "Create key" }).click();
    await expect.poll(() => page.locator("#expiresOn-error").textContent()).toBe("The expiry date must be in the future");
    expect(await stack.environment.db.apiKey.count({ where: { name: "too-late" } })).toBe(0);

    const theirs = await stack.environment.db.apiKey.findFirstOrThrow({ where: { tenantId: globex.id } });
    const response = await page.request.post(`${stack.web.url}/api-keys`, { form: { csrf: await csrfOf(page), intent: "revoke", publicId: theirs.publicId } });
    expect(response.status()).toBe(404);
    expect(await useKey(globex.keys.agent)).toBe("OK");
    await page.context().close();
  });
});
