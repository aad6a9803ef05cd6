import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
});

afterAll(() => stack.close());

const minutesMessage = "Enter the digest interval in whole minutes, from 5 to 1440 (a day)";
const settingOf = (userId: string) => environment.db.userMailSetting.findUnique({ where: { userId } });

async function openSettings(role: "approver" | "viewer") {
  const page = await stack.pageFor(role);
  await page.getByRole("link", { name: "Settings" }).click();
  await page.waitForURL(`${web.url}/settings`);
  await hydrated(page);
  return page;
}

describe("Your notifications in Settings", () => {
  it("keeps a digest every 30 minutes across a reload", async () => {
    const page = await openSettings("approver");
    expect(await page.getByRole("heading", { name: "Your notifications" }).isVisible()).toBe(true);
    expect(await page.getByLabel("No approval mail").isChecked()).toBe(true);

    await page.getByLabel("A digest of what waits for me").check();
    await page.getByLabel("Minutes between digests").fill("30");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toBe(`Saved: a digest to approver@${tenant.slug}.test at most every 30 minutes.`);

    await page.reload();
    await hydrated(page);
    expect(await page.getByLabel("A digest of what waits for me").isChecked()).toBe(true);
    expect(await page.getByLabel("Minutes between digests").inputValue()).toBe("30");
    expect(await settingOf(tenant.approver.userId)).toMatchObject({
      approvalMail: "digest",
      approvalMailDigestMinutes: 30,
    });
  });

  it("refuses a bad interval with a clear message next to the field and keeps the saved one", async () => {
    const page = await openSettings("approver");
    for (const value of ["2", "", "7.5"]) {
      await page.getByLabel("Minutes between digests").fill(value);
      await page.getByRole("button", { name: "Save" }).click();
      await expect.poll(() => page.locator("#digestMinutes-error").textContent()).toBe(minutesMessage);
      expect(await page.getByLabel("Minutes between digests").getAttribute("aria-invalid")).toBe("true");
      expect(await page.getByRole("status").textContent()).not.toContain("expected");
    }
    expect(await settingOf(tenant.approver.userId)).toMatchObject({
      approvalMail: "digest",
      approvalMailDigestMinutes: 30,
    });

    // A crafted post is refused the same way, and changes nothing.
    const csrf = await page.locator('input[name="csrf"]').first().inputValue();
    const crafted: Record<string, string>[] = [
      { mode: "weekly" },
      { mode: "digest", digestMinutes: "99999999999" },
      { mode: "digest", digestMinutes: "30\u0000" },
    ];
    for (const form of crafted) {
      const response = await page.request.post(`${web.url}/settings`, { form: { csrf, ...form } });
      expect(response.status()).toBe(400);
    }
    expect(await settingOf(tenant.approver.userId)).toMatchObject({
      approvalMail: "digest",
      approvalMailDigestMinutes: 30,
    });
  });

  it("sends one mail per action to whoever chose it, from the worker, linking to the action in the console", async () => {
    const page = await openSettings("approver");
    await page.getByLabel("One mail per action that starts waiting for me").check();
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Saved: one mail to");

    const project = await createTestItem(environment.db, tenant.id, {
      kind: "project",
      title: "Website relaunch",
      data: { status: "active" },
    });
    const { action } = await stack.api.client(tenant.keys.agent).action.propose.mutate({
      actionType: "update",
      targetType: "project",
      targetId: project.id,
      parameters: { data: { status: "at_risk" } },
    });
    const mail = await waitFor(
      () =>
        Promise.resolve(
          environment.smtp.mails.find((caught) =>
            caught.envelope.to.includes(`approver@${tenant.slug}.test`),
          ),
        ),
      { what: "the approval mail" },
    );
    expect(mail.parsed.subject).toBe('Approval needed: update project "Website relaunch"');
    expect(mail.parsed.text).toContain(`/actions/${action.id}`);
  });

  it("offers a viewer no form: nothing waits for their decision", async () => {
    const page = await openSettings("viewer");
    expect(await page.getByText("Approval mail is for people who approve actions").isVisible()).toBe(true);
    expect(await page.getByRole("button", { name: "Save" }).count()).toBe(0);
  });
});
