import { readFile } from "node:fs/promises";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { approveAction, rejectAction } from "@leash/core";
import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;
let page: Page;
const ids = { pendingCreates: [] as number[], decidedByDana: [] as number[], all: [] as number[] };

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);

  const agent = stack.api.client(tenant.keys.agent);
  const { actions: notices } = await agent.action.proposeBatch.mutate({
    actions: Array.from({ length: 52 }, (_, index) => ({
      actionType: "notify" as const,
      parameters: { channel: "email" as const, recipient: `reader${index}@example.com`, message: `Weekly digest ${index}` },
    })),
  });
  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch", data: { status: "active" } });
  for (const status of ["at_risk", "done"] as const) {
    const { action } = await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status } } });
    await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
    ids.decidedByDana.push(action.id);
  }
  const rejected = notices.at(-1);
  if (!rejected) throw new Error("no notice proposed");
  await rejectAction(environment.deps, { actor: tenant.approver, input: { actionId: rejected.id, reason: "Too noisy" } });
  ids.decidedByDana.push(rejected.id);
  for (const name of ["Grace Hopper", "Alan Turing", "Katherine Johnson"]) {
    const { action } = await agent.action.propose.mutate({ actionType: "create", targetType: "person", parameters: { title: name } });
    ids.pendingCreates.push(action.id);
  }
  ids.all = (await environment.db.agentAction.findMany({ where: { tenantId: tenant.id }, orderBy: { id: "desc" }, select: { id: true } })).map((row) => row.id);
  await waitFor(async () => (await environment.db.agentAction.count({ where: { tenantId: tenant.id, status: "executed" } })) === 2, { what: "updates executed" });

  page = await stack.pageFor("viewer", { acceptDownloads: true });
});

afterAll(() => stack.close());

const shownIds = async () =>
  (await page.locator("tbody tr[data-action-id]").evaluateAll((rows) => rows.map((row) => Number(row.getAttribute("data-action-id")))));

const newestFirst = (list: number[]) => [...list].sort((a, b) => b - a);

describe("the history", () => {
  it("pages by cursor: 50 rows, then Load more brings the rest", async () => {
    await page.goto(`${web.url}/history`);
    await hydrated(page);
    expect(await shownIds()).toEqual(ids.all.slice(0, 50));
    await page.getByRole("link", { name: "Load more" }).click();
    await expect.poll(shownIds).toEqual(ids.all);
    expect(await page.locator(".table-footer").textContent()).toContain("That is everything.");
  });

  it("narrows the table with filters kept in the URL, which survive a reload", async () => {
    await page.goto(`${web.url}/history`);
    await hydrated(page);
    await page.getByLabel("Action type").selectOption("create");
    await page.getByLabel("Status").selectOption("pending");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/type=create/);
    expect(new URL(page.url()).searchParams.get("status")).toBe("pending");
    await expect.poll(shownIds).toEqual(newestFirst(ids.pendingCreates));

    await page.reload();
    await hydrated(page);
    expect(await shownIds()).toEqual(newestFirst(ids.pendingCreates));
    expect(await page.getByLabel("Action type").inputValue()).toBe("create");
    expect(await page.getByLabel("Status").inputValue()).toBe("pending");

    await page.goto(`${web.url}/history?actor=dana`);
    expect(await shownIds()).toEqual(newestFirst(ids.decidedByDana));

    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${web.url}/history?type=create&from=${today}&to=${today}`);
    expect(await shownIds()).toEqual(newestFirst(ids.pendingCreates));
    await page.goto(`${web.url}/history?to=${yesterday}`);
    expect(await shownIds()).toEqual([]);
    expect(await page.locator("tbody").textContent()).toContain("No action matches these filters.");
  });

  it("exports exactly the filtered rows as CSV and as JSON", async () => {
    await page.goto(`${web.url}/history?type=create&status=pending`);
    await hydrated(page);
    const table = await shownIds();
    expect(table).toEqual(newestFirst(ids.pendingCreates));

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^leash-actions-.*\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const [header, ...lines] = csv.trim().split("\n");
    expect(header?.split(",").slice(0, 3)).toEqual(["id", "createdAt", "actionType"]);
    expect(lines.map((line) => Number(line.split(",")[0]))).toEqual(table);
    expect(lines.every((line) => line.includes(",create,person,") && line.includes(",pending,"))).toBe(true);

    const json = await page.request.get(`${web.url}/history/export?format=json&type=create&status=pending`);
    expect(json.headers()["content-type"]).toContain("application/json");
    expect(((await json.json()) as { id: number }[]).map((action) => action.id)).toEqual(table);

    await page.goto(`${web.url}/history?actor=dana`);
    const [decided] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
    const decidedLines = (await readFile(await decided.path(), "utf8")).trim().split("\n").slice(1);
    expect(decidedLines.map((line) => Number(line.split(",")[0]))).toEqual(newestFirst(ids.decidedByDana));
  });
});
