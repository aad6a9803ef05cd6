import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestTenant, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let tenant: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  stack = await startConsoleStack();
  tenant = stack.tenant;
  globex = await createTestTenant(stack.environment.db, "globex");
});

afterAll(() => stack.close());

const row = (page: Page, email: string) => page.locator(`tr[data-person="${email}"]`);
/** The page's answer to the last form post (the console's toasts are another status region). */
const notice = (page: Page) => page.locator(".notice-region:not(.toast-region)");
const csrfOf = async (page: Page) => (await page.locator('input[name="csrf"]').first().getAttribute("value")) ?? "";

async function openPeople(page: Page): Promise<void> {
  await page.getByRole("link", { name: "People" }).click();
  await page.waitForURL(`${stack.web.url}/people`);
  await hydrated(page);
}

/** Signs in through the form with a password an admin was shown. */
async function signInWith(email: string, password: string): Promise<Page> {
  const page = await stack.newPage();
  await page.goto(`${stack.web.url}/sign-in`);
  await hydrated(page);
  await page.getByLabel("Workspace").fill(tenant.slug);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${stack.web.url}/`);
  await hydrated(page);
  return page;
}

describe("the People page", () => {
  it("is in an admin's navigation only; an approver or a viewer gets 403", async () => {
    for (const role of ["approver", "viewer"] as const) {
      const page = await stack.pageFor(role);
      expect(await page.getByRole("link", { name: "People" }).count()).toBe(0);
      expect(await page.getByRole("link", { name: "API keys" }).count()).toBe(0);
      expect((await page.goto(`${stack.web.url}/people`))?.status()).toBe(403);
      expect((await page.goto(`${stack.web.url}/api-keys`))?.status()).toBe(403);
      await page.context().close();
    }
  });

  it("adds a person with a password shown once that signs them in; bad fields are named, NUL is a 400", async () => {
    const page = await stack.pageFor("admin");
    await openPeople(page);
    await page.getByRole("button", { name: "Add person" }).click();
    await expect.poll(() => page.locator("#name-error").textContent()).toBe("The name is required");
    expect(await page.locator("#email-error").textContent()).toBe("The email is not an email address");

    await page.getByLabel("Name", { exact: true }).fill("Rita Ops");
    await page.getByLabel("Email").fill("rita@acme.test");
    await page.getByLabel("Role", { exact: true }).selectOption("approver");
    await page.getByRole("button", { name: "Add person" }).click();
    await expect.poll(() => notice(page).textContent()).toBe("Added Rita Ops (rita@acme.test) as approver.");
    const password = (await page.getByTestId("secret-value").textContent()) ?? "";
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    await expect.poll(() => row(page, "rita@acme.test").textContent()).toContain("Active");
    await expect.poll(() => page.getByTestId("admin-trail").textContent()).toContain("Person added: rita@acme.test");

    const rita = await signInWith("rita@acme.test", password);
    await expect.poll(() => rita.locator(".account-name").textContent()).toBe("Rita Ops");
    await rita.context().close();

    const nul = await page.request.post(`${stack.web.url}/people`, { form: { csrf: await csrfOf(page), intent: "add", name: "Nul\u0000", email: "nul@acme.test", role: "viewer" } });
    expect(nul.status()).toBe(400);
    expect(await nul.text()).toContain("must not contain NUL characters or lone UTF-16 surrogates");
    expect(await stack.environment.db.user.count({ where: { email: "nul@acme.test" } })).toBe(0);
    await page.context().close();
  });

  it("changes a role, deactivates (their open session ends at once) and resets a password shown once", async () => {
    const page = await stack.pageFor("admin");
    await openPeople(page);
    const victor = await stack.pageFor("viewer");

    await row(page, "viewer@acme.test").getByLabel(/^Role of/).selectOption("approver");
    await row(page, "viewer@acme.test").getByRole("button", { name: "Change role" }).click();
    await expect.poll(() => notice(page).textContent()).toBe(`${tenant.viewer.label} is now an approver.`);
    // Their open session carries on, with the new role from its next request.
    await victor.reload();
    await hydrated(victor);
    expect(new URL(victor.url()).pathname).toBe("/");
    expect(await victor.locator(".account .badge-role").textContent()).toBe("Approver");

    await row(page, "viewer@acme.test").getByText("Deactivate…").click();
    await row(page, "viewer@acme.test").getByRole("button", { name: `Yes, deactivate ${tenant.viewer.label}` }).click();
    await expect.poll(() => notice(page).textContent()).toBe(`${tenant.viewer.label} was deactivated: signed out, and their API keys stopped.`);
    await expect.poll(() => row(page, "viewer@acme.test").textContent()).toContain("Deactivated");
    await victor.reload();
    expect(new URL(victor.url()).pathname).toBe("/sign-in");
    await victor.context().close();

    await row(page, "viewer@acme.test").getByRole("button", { name: "Reactivate" }).click();
    await expect.poll(() => notice(page).textContent()).toBe(`${tenant.viewer.label} can sign in again.`);
    await row(page, "viewer@acme.test").getByText("Reset password…").click();
    await row(page, "viewer@acme.test").getByRole("button", { name: `Yes, reset the password of ${tenant.viewer.label}` }).click();
    await expect.poll(() => notice(page).textContent()).toBe(`${tenant.viewer.label} has a new password and was signed out everywhere.`);
    const password = (await page.getByTestId("secret-value").textContent()) ?? "";
    const again = await signInWith("viewer@acme.test", password);
    await again.context().close();
    await expect.poll(() => page.getByTestId("admin-trail").textContent()).toContain("Password reset: viewer@acme.test");
    const trail = (await page.getByTestId("admin-trail").textContent()) ?? "";
    for (const entry of ["Person reactivated", "Person deactivated", "Role changed"]) expect(trail).toContain(`${entry}: viewer@acme.test`);
    await page.context().close();
  });

  it("refuses to demote the last active admin, and answers another workspace's person with 404", async () => {
    const page = await stack.pageFor("admin");
    await openPeople(page);
    await row(page, "admin@acme.test").getByLabel(/^Role of/).selectOption("viewer");
    await row(page, "admin@acme.test").getByRole("button", { name: "Change role" }).click();
    await expect.poll(() => notice(page).textContent()).toBe(
      "admin@acme.test is the last active admin of this workspace: making them a viewer would leave nobody to administer it. Make someone else an admin first.",
    );
    expect((await stack.environment.db.user.findUniqueOrThrow({ where: { id: tenant.admin.userId } })).role).toBe("admin");

    const theirs = await page.request.post(`${stack.web.url}/people`, { form: { csrf: await csrfOf(page), intent: "deactivate", userId: globex.viewer.userId } });
    expect(theirs.status()).toBe(404);
    expect((await stack.environment.db.user.findUniqueOrThrow({ where: { id: globex.viewer.userId } })).deactivatedAt).toBeNull();
    await page.context().close();
  });

  it("fits a phone: each person is a block of its own, the role select wide enough to read, nothing wider than the screen", async () => {
    const page = await stack.pageFor("admin", { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await page.goto(`${stack.web.url}/people`);
    await hydrated(page);
    const selects = page.getByTestId("people").getByLabel(/^Role of/);
    expect(await selects.count()).toBeGreaterThan(0);
    for (const select of await selects.all()) expect((await select.boundingBox())?.width).toBeGreaterThanOrEqual(120);
    const adminRow = row(page, "admin@acme.test");
    const [person, role] = await Promise.all([adminRow.locator("td").nth(0).boundingBox(), adminRow.locator("td").nth(1).boundingBox()]);
    // Stacked: the role sits under the person, not beside it.
    expect(role?.y).toBeGreaterThanOrEqual((person?.y ?? 0) + (person?.height ?? 0));
    expect(await adminRow.getByRole("button", { name: "Change role" }).isVisible()).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.context().close();
  });
});
