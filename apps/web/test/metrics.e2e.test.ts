import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import type { TestEnvironment, TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;
let page: Page;

const hoursAgo = (hours: number, plusMs = 0) => new Date(Date.now() - hours * 3_600_000 + plusMs);

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
  const agent = tenant.agent.apiKeyId;
  // Finished actions written as they end up, so the worker has nothing to do: this week three
  // executed (one later rolled back) and one failed, and twenty days ago one more executed.
  const executed = (hours: number, runMs: number, extra: { rolledBackAt?: Date; actionType?: string } = {}) => ({
    tenantId: tenant.id,
    apiKeyId: agent,
    proposerLabel: "agent",
    actionType: extra.actionType ?? "update",
    parameters: {},
    status: "executed" as const,
    requiresApproval: false,
    createdAt: hoursAgo(hours),
    approvedAt: hoursAgo(hours),
    executedAt: hoursAgo(hours, runMs),
    ...(extra.rolledBackAt ? { rolledBackAt: extra.rolledBackAt } : {}),
  });
  await environment.db.agentAction.createMany({
    data: [
      executed(3, 1_200),
      executed(30, 2_000, { rolledBackAt: hoursAgo(29) }),
      executed(50, 800, { actionType: "notify" }),
      { tenantId: tenant.id, apiKeyId: agent, proposerLabel: "agent", actionType: "update", parameters: {}, status: "failed", createdAt: hoursAgo(5), approvedAt: hoursAgo(5), errorMessage: "boom" },
      executed(20 * 24, 900, { actionType: "notify" }),
    ],
  });
  page = await stack.pageFor("viewer");
});

afterAll(() => stack.close());

const headline = (metric: string) => page.getByTestId(`headline-${metric}`);

describe("the metrics page", () => {
  it("is in the navigation, and shows the four metrics against their targets", async () => {
    await page.getByRole("link", { name: "Metrics" }).click();
    await page.waitForURL(`${web.url}/metrics`);
    await hydrated(page);
    await expect.poll(() => headline("successRate").innerText()).toContain("75.0%");
    expect(await headline("successRate").innerText()).toMatch(/Target: above 95\.0%[\s\S]*Target missed/);
    expect(await headline("executionMeanMs").innerText()).toMatch(/1\.33 s[\s\S]*Target: under 5\.00 s[\s\S]*Target met/);
    expect(await headline("approvalRate").innerText()).toMatch(/100\.0%[\s\S]*Target: above 80\.0%[\s\S]*Target met/);
    expect(await headline("rollbackRate").innerText()).toMatch(/33\.3%[\s\S]*Target: under 5\.0%[\s\S]*Target missed/);
    expect(await page.getByTestId("metric-facts").innerText()).toMatch(/Proposed\s+4/);
  });

  it("draws the charts, and their tables hold the same figures", async () => {
    await page.waitForSelector('[data-testid="chart-rates"][data-drawn="true"] canvas');
    await page.waitForSelector('[data-testid="chart-types"][data-drawn="true"] canvas');
    const types = page.getByTestId("chart-types-table");
    // Drawn, the table is still there for screen readers.
    expect(await types.getAttribute("class")).toBe("visually-hidden");
    expect(await types.locator("tbody tr").evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)))).toEqual([
      ["update", "66.7%", "100.0%"],
      ["notify", "100.0%", "100.0%"],
    ]);
    const rates = await page.getByTestId("chart-rates-table").locator("tbody tr").count();
    expect(rates).toBe(7);
  });

  it("switching the window updates the URL and the figures", async () => {
    await page.getByTestId("window-month").click();
    await page.waitForURL(/[?&]window=month/);
    await expect.poll(() => page.getByTestId("metric-facts").innerText()).toMatch(/Proposed\s+5/);
    expect(await headline("successRate").innerText()).toContain("80.0%");
    expect(await page.getByTestId("chart-rates-table").locator("tbody tr").count()).toBe(30);
    await page.getByTestId("window-day").click();
    await page.waitForURL(/[?&]window=day/);
    await expect.poll(() => page.getByTestId("metric-facts").innerText()).toMatch(/Proposed\s+2/);
    expect(await headline("successRate").innerText()).toContain("50.0%");
  });

  it("filters by action type in the URL, and refuses a window it does not know", async () => {
    await page.goto(`${web.url}/metrics?window=week&actionType=notify`);
    await hydrated(page);
    expect(await headline("successRate").innerText()).toContain("100.0%");
    const response = await page.goto(`${web.url}/metrics?window=year`);
    expect(response?.status()).toBe(400);
  });
});
