import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContextOptions, Page } from "playwright-core";

import { approveAction, rollbackAction } from "@leash/core";
import { createTestItem, waitFor, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;
const ids = { executed: 0, undo: 0, pending: 0, project: 0 };

// Fixed instants, so each zone's wall-clock hours are known: 17:30 UTC is 9:30 AM in Los Angeles and 2:30 AM the next day in Tokyo.
const CREATED = new Date("2026-12-01T17:30:00Z");
const ROLLED_BACK = new Date("2026-12-01T18:45:00Z");
const RAW_ISO = /\d{4}-\d{2}-\d{2}T/;

const losAngeles: BrowserContextOptions = { timezoneId: "America/Los_Angeles", locale: "en-US" };

async function executed(actionId: number) {
  await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: actionId } })).status === "executed", { what: `#${actionId} executed` });
}

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ environment, tenant, web } = stack);
  const agent = stack.api.client(tenant.keys.agent);

  const project = await createTestItem(environment.db, tenant.id, { kind: "project", title: "Website relaunch", data: { status: "active" } });
  ids.project = project.id;
  const { action } = await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: project.id, parameters: { data: { status: "at_risk" } } });
  await approveAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id } });
  await executed(action.id);
  const [undo] = (await rollbackAction(environment.deps, { actor: tenant.approver, input: { actionId: action.id, confirm: true } })).undoActions;
  if (!undo) throw new Error("no undo action");
  await executed(undo.id);
  await waitFor(async () => (await environment.db.agentAction.findUniqueOrThrow({ where: { id: action.id } })).rolledBackAt !== null, { what: `#${action.id} rolled back` });
  await environment.db.agentAction.update({ where: { id: action.id }, data: { createdAt: CREATED, rolledBackAt: ROLLED_BACK } });
  ids.executed = action.id;
  ids.undo = undo.id;

  const idea = await createTestItem(environment.db, tenant.id, { kind: "idea", title: "Dark mode", data: { status: "exploring" } });
  const { action: waiting } = await agent.action.propose.mutate({ actionType: "update", targetType: "idea", targetId: idea.id, parameters: { data: { status: "accepted" } } });
  // Three hours from the moment the inbox reads it, give or take the seconds the test takes.
  await environment.db.agentAction.update({ where: { id: waiting.id }, data: { expiresAt: new Date(Date.now() + 3 * 3_600_000 + 30_000) } });
  ids.pending = waiting.id;
});

afterAll(() => stack.close());

/** The page's text as a person sees it (what is hidden, such as a closed JSON view, does not count). */
const visibleText = (page: Page) => page.locator("body").innerText();

/** Collects React's complaints: a hydration mismatch would show here. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

describe("dates in the reader's time zone and locale", () => {
  it("shows created times, a deadline and a rollback refusal in Los Angeles time, and no raw ISO string anywhere", async () => {
    const page = await stack.pageFor("approver", losAngeles);
    const errors = consoleErrors(page);

    await page.goto(`${web.url}/`);
    await hydrated(page);
    const deadline = page.getByTestId("deadline");
    await page.locator(`[data-row-id="${ids.pending}"]`).click();
    await expect.poll(() => deadline.textContent()).toMatch(/Expires in (2 h 5\d min|3 h)/);
    expect(await deadline.locator("time").getAttribute("title")).toMatch(/ (PST|PDT)$/);
    expect(await page.locator(`[data-row-id="${ids.pending}"] time`).textContent()).toMatch(/^(just now|\d+ minutes? ago)$/);
    expect(await visibleText(page)).not.toMatch(RAW_ISO);

    await page.goto(`${web.url}/actions/${ids.executed}`);
    await hydrated(page);
    const header = await page.locator(".meta").first().textContent();
    expect(header).toContain("on Dec 1, 2026, 9:30 AM");
    expect(await page.locator(`time[datetime="${CREATED.toISOString()}"]`).first().getAttribute("title")).toBe("Tue, Dec 1, 2026, 9:30:00 AM PST");
    expect(await page.locator("dt:text-is(\"Undone by\") + dd").textContent()).toContain(`#${ids.undo} on Dec 1, 2026, 10:45 AM`);
    expect(await visibleText(page)).not.toMatch(RAW_ISO);

    await page.goto(`${web.url}/actions/${ids.executed}/rollback`);
    await hydrated(page);
    expect(await page.locator("#rollback-summary").textContent()).toBe(`#${ids.executed} was already rolled back by #${ids.undo} at Dec 1, 2026, 10:45 AM`);
    expect(await visibleText(page)).not.toMatch(RAW_ISO);

    await page.goto(`${web.url}/history`);
    await hydrated(page);
    expect(await page.locator(`tr[data-action-id="${ids.executed}"] time`).textContent()).toBe("Dec 1, 9:30 AM");
    expect(await visibleText(page)).not.toMatch(RAW_ISO);

    await page.goto(`${web.url}/items/${ids.project}`);
    await hydrated(page);
    expect(await page.locator(`tr[data-action-id="${ids.executed}"] time`).textContent()).toBe("Dec 1, 9:30 AM");
    expect(await visibleText(page)).not.toMatch(RAW_ISO);

    expect(errors).toEqual([]);
  });

  it("shows the same action at Tokyo's hours to a reader there", async () => {
    const page = await stack.pageFor("approver", { timezoneId: "Asia/Tokyo", locale: "en-US" });
    await page.goto(`${web.url}/actions/${ids.executed}`);
    await hydrated(page);
    expect(await page.locator(".meta").first().textContent()).toContain("on Dec 2, 2026, 2:30 AM");
    await page.goto(`${web.url}/actions/${ids.executed}/rollback`);
    await hydrated(page);
    expect(await page.locator("#rollback-summary").textContent()).toBe(`#${ids.executed} was already rolled back by #${ids.undo} at Dec 2, 2026, 3:45 AM`);
  });

  it("renders in UTC until the browser has said its zone, then in the browser's zone, without a hydration mismatch", async () => {
    const page = await stack.pageFor("approver", losAngeles);
    const errors = consoleErrors(page);
    const url = `${web.url}/actions/${ids.executed}`;
    await page.context().clearCookies({ name: "tz" });

    const first = await page.goto(url);
    expect(await first?.text()).toContain("Dec 1, 2026, 5:30 PM");
    await hydrated(page);
    await expect.poll(() => page.locator(".meta").first().textContent()).toContain("on Dec 1, 2026, 9:30 AM");

    // The page's script set the cookie: from now on the server renders Los Angeles time itself.
    expect(await (await page.reload())?.text()).toContain("Dec 1, 2026, 9:30 AM");
    await hydrated(page);
    expect(errors).toEqual([]);
  });

  it("ignores a time zone it does not know, and an Accept-Language that is not a language", async () => {
    const page = await stack.pageFor("approver", losAngeles);
    await page.context().addCookies([{ name: "tz", value: "Mars%2FOlympus_Mons", url: web.url }]);
    const response = await page.request.get(`${web.url}/actions/${ids.executed}`, { headers: { "Accept-Language": "not a language!!, *;q=0.1" } });
    expect(response.status()).toBe(200);
    // UTC, in the console's own locale.
    expect(await response.text()).toContain("1 Dec 2026, 17:30");
  });
});
