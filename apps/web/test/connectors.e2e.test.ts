import { randomBytes } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

// The console started by the stack reads its key from the environment, as in production.
process.env.CONNECTOR_SECRET_KEY = randomBytes(32).toString("hex");

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
});

afterAll(() => stack.close());

const SECRET_VALUE = "Bearer sk_live_E2E_SECRET";
const SIGNING_SECRET = /whsec_[A-Za-z0-9+/=]{44}/;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const table = (page: Page) => page.getByTestId("connectors");
const row = (page: Page, name: string) => page.locator(`tr[data-connector="${name}"]`);

async function openConnectors(page: Page) {
  await page.getByRole("link", { name: "Connectors" }).click();
  await page.waitForURL(`${web.url}/connectors`);
  await hydrated(page);
}

describe("the Connectors page", () => {
  it("says next to each field what is wrong, then adds a connector and shows its signing secret once; secret values are never shown", async () => {
    const page = await stack.pageFor("admin");
    await openConnectors(page);
    await expect.poll(() => page.getByRole("heading", { name: "Connectors", level: 1 }).isVisible()).toBe(true);
    expect(await page.getByText("No connectors yet").isVisible()).toBe(true);

    await page.getByLabel("Name", { exact: true }).fill("Billing API");
    await page.getByLabel("Base URL").fill("ftp://billing.example.com");
    await page.getByLabel("Headers", { exact: true }).fill("Host: evil.example");
    await page.getByRole("button", { name: "Add connector" }).click();
    await expect.poll(() => page.locator("#name-error").textContent()).toContain("Name must be a slug");
    expect(await page.locator("#baseUrl-error").textContent()).toContain("Base URL must start with http:// or https://");
    expect(await page.locator("#headers-error").textContent()).toContain("Host is set by Leash on every request and cannot be configured (at line 1)");
    expect(await page.getByLabel("Base URL").getAttribute("aria-invalid")).toBe("true");
    expect(await environment.db.connector.count()).toBe(0);

    await page.getByLabel("Name", { exact: true }).fill("billing-api");
    await page.getByLabel("Base URL").fill("https://billing.example.com/v1/");
    await page.getByLabel("DELETE").check();
    await page.getByLabel("Allowed path prefixes").fill("/invoices");
    await page.getByLabel("Headers", { exact: true }).fill("X-Team: growth");
    await page.getByLabel("Secret headers").fill(`Authorization: ${SECRET_VALUE}`);
    await page.getByLabel("Undo method").selectOption("DELETE");
    await page.getByLabel("Undo path").fill("/invoices/{{result.body.id}}");
    await page.getByRole("button", { name: "Add connector" }).click();

    await expect.poll(() => page.getByTestId("signing-secret").textContent()).toMatch(SIGNING_SECRET);
    const signingSecret = SIGNING_SECRET.exec((await page.getByTestId("signing-secret").textContent()) ?? "")?.[0] ?? "";
    expect(await row(page, "billing-api").textContent()).toContain("https://billing.example.com/v1");
    expect(await row(page, "billing-api").textContent()).toContain("Authorization: ••• (secret)");
    expect(await row(page, "billing-api").textContent()).toContain("X-Team: growth");
    expect(await row(page, "billing-api").textContent()).toContain("DELETE /invoices/{{result.body.id}}");
    // The form was emptied: the secret typed into it is not left on the screen.
    expect(await page.getByLabel("Secret headers").inputValue()).toBe("");
    expect(await page.content()).not.toContain(SECRET_VALUE);

    // Shown once: after a reload neither the signing secret nor the header's value is anywhere in the page.
    await page.reload();
    await hydrated(page);
    expect(await page.getByTestId("signing-secret").count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain(signingSecret);
    expect(html).not.toContain("sk_live_E2E_SECRET");
    expect(await row(page, "billing-api").textContent()).toContain("••• (secret)");
  });

  it("edits a connector: secret headers are offered by name only and keep their value", async () => {
    const page = await stack.pageFor("admin");
    await page.goto(`${web.url}/connectors`);
    await hydrated(page);
    await row(page, "billing-api").getByRole("link", { name: "Edit" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Edit billing-api" }).isVisible()).toBe(true);
    expect(await page.getByLabel("Secret headers").inputValue()).toBe("Authorization");
    await page.getByLabel("Timeout (ms)").fill("50");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => page.locator("#timeoutMs-error").textContent()).toContain("100");
    await page.getByLabel("Timeout (ms)").fill("500");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => row(page, "billing-api").textContent()).toContain("500 ms");
    expect(await row(page, "billing-api").textContent()).toContain("Authorization: ••• (secret)");
    const stored = await environment.db.connector.findFirstOrThrow({ where: { tenantId: tenant.id, name: "billing-api" } });
    expect(JSON.stringify(stored.headers)).toMatch(/"name":"Authorization","secret":true,"encrypted":"v1:/);
    expect(JSON.stringify(stored)).not.toContain("sk_live_E2E_SECRET");

    // A new signing secret is shown once too; the old one keeps signing for a while, and the row says until when.
    const shownSecret = async () => SIGNING_SECRET.exec((await page.getByTestId("signing-secret").textContent({ timeout: 1_000 }).catch(() => "")) ?? "")?.[0] ?? "";
    const rotate = async (revokePrevious: boolean) => {
      const before = await shownSecret();
      const yes = row(page, "billing-api").getByRole("button", { name: "Yes, replace the secret of billing-api" });
      // The disclosure stays open after a rotation: open it only when it is closed.
      if (!(await yes.isVisible())) await row(page, "billing-api").getByText("New signing secret…").click();
      if (revokePrevious) await row(page, "billing-api").getByLabel("Stop signing with the old secret at once (it leaked)").check();
      await yes.click();
      // The page answers with the new secret: one that differs from any shown before.
      await expect.poll(async () => { const shown = await shownSecret(); return shown !== "" && shown !== before; }).toBe(true);
    };
    await rotate(false);
    const rotated = await environment.db.connector.findFirstOrThrow({ where: { id: stored.id } });
    expect(rotated.signingSecret).not.toBe(stored.signingSecret);
    expect(rotated.previousSigningSecret).toBe(stored.signingSecret);
    const previousSecret = row(page, "billing-api").getByTestId("previous-secret");
    await expect.poll(() => previousSecret.textContent()).toMatch(/also signed with the secret the last rotation replaced, until .+\./);
    expect(await previousSecret.textContent()).not.toMatch(ISO_TIME);

    // Revoked at once (it leaked): the old secret is dropped and the row no longer mentions it.
    await rotate(true);
    await expect.poll(async () => (await environment.db.connector.findUniqueOrThrow({ where: { id: stored.id } })).previousSigningSecret).toBeNull();
    await expect.poll(() => previousSecret.count()).toBe(0);
  });

  it("is read-only for approvers and viewers", async () => {
    for (const role of ["approver", "viewer"] as const) {
      const reader = await stack.pageFor(role);
      await openConnectors(reader);
      await expect.poll(() => reader.getByText("Only admins can change these.").isVisible()).toBe(true);
      expect(await table(reader).textContent()).toContain("billing-api");
      expect(await reader.getByRole("button", { name: "Add connector" }).count()).toBe(0);
      expect(await reader.getByRole("link", { name: "Edit" }).count()).toBe(0);
    }
  });

  it("deletes a connector only once confirmed", async () => {
    const page = await stack.pageFor("admin");
    await page.goto(`${web.url}/connectors`);
    await hydrated(page);
    await row(page, "billing-api").getByText("Delete…").click();
    await row(page, "billing-api").getByRole("button", { name: "Yes, delete billing-api" }).click();
    await expect.poll(() => page.getByText("No connectors yet").isVisible()).toBe(true);
    expect(await environment.db.connector.count({ where: { tenantId: tenant.id } })).toBe(0);
  });
});
