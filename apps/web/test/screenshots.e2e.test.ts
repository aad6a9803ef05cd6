import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";

import { approveAction, createApiKey, createTenant, createUser, rejectAction, type Actor } from "@leash/core";
import { waitFor } from "@leash/core/testing";

import { hydrated, startConsoleStack, type ConsoleStack, type RunningConsole } from "./support.ts";

/**
 * Pictures of the console with a realistic workspace: inbox, action detail, rollback dialog and
 * history at desktop width, and the inbox on a phone. `pnpm --filter @leash/web screenshots` writes
 * them to docs/screenshots/; the normal test run writes them to a temporary folder.
 */
let stack: ConsoleStack<Seeded>;
let web: RunningConsole;
let outputDir: string;
let executedUpdateId: number;

const PASSWORD = "screenshot-password";
/** Where the pictures are kept; without it they go to a temporary folder that is removed afterwards. */
const keep = process.env.LEASH_SCREENSHOTS_DIR;

interface Seeded {
  tenant: Awaited<ReturnType<typeof createTenant>>;
  approver: Actor;
  key: Awaited<ReturnType<typeof createApiKey>>["key"];
}

beforeAll(async () => {
  outputDir = keep ? resolve(keep) : await mkdtemp(join(tmpdir(), "leash-screenshots-"));
  await mkdir(outputDir, { recursive: true });
  stack = await startConsoleStack(async ({ db }): Promise<Seeded> => {
    const tenant = await createTenant(db, { slug: "acme", name: "Acme Inc" });
    const dana = await createUser(db, { tenantSlug: "acme", email: "dana@acme.test", name: "Dana Whitfield", role: "approver", password: PASSWORD });
    const approver: Actor = { kind: "user", tenantId: tenant.id, userId: dana.id, role: "approver", label: dana.name };
    const { key } = await createApiKey(db, { tenantId: tenant.id, name: "crm-sync", role: "agent" });
    return { tenant, approver, key };
  });
  const { environment, api } = stack;
  const { db } = environment;
  const { tenant, approver, key } = stack.tenant;
  web = stack.web;

  const item = (kind: "person" | "project" | "idea" | "admin", title: string, data: Record<string, string | number>) =>
    db.item.create({ data: { tenantId: tenant.id, kind, title, data } });
  const relaunch = await item("project", "Website relaunch", { status: "active", dueDate: "2026-12-01", owner: "Dana" });
  const portal = await item("project", "Customer portal", { status: "planned", owner: "Sam" });
  const grace = await item("person", "Grace Hopper", { email: "grace@example.com", role: "Engineer" });
  const onboarding = await item("idea", "Self-serve onboarding", { status: "new", score: 7 });
  const ssl = await item("admin", "Renew SSL certificates", { category: "ops", dueDate: "2027-01-15" });

  const agent = api.client(key);
  const decided = async (input: Parameters<typeof agent.action.propose.mutate>[0], decision: "approve" | "reject", reason = "") => {
    const { action } = await agent.action.propose.mutate(input);
    if (decision === "approve") await approveAction(environment.deps, { actor: approver, input: { actionId: action.id } });
    else await rejectAction(environment.deps, { actor: approver, input: { actionId: action.id, reason } });
    return action.id;
  };
  await decided({ actionType: "create", targetType: "person", parameters: { title: "Alan Turing", data: { email: "alan@example.com", company: "Bletchley" } }, reason: "Met at the conference" }, "approve");
  await decided({ actionType: "notify", parameters: { channel: "email", recipient: "launch@example.com", message: "The relaunch moves to December 15" } }, "approve");
  await decided({ actionType: "update", targetType: "idea", targetId: onboarding.id, parameters: { data: { status: "exploring" } } }, "reject", "Not before Q1 planning");
  await decided({ actionType: "link", targetType: "person", targetId: grace.id, parameters: { toType: "project", toId: portal.id, relation: "works_on" } }, "approve");
  executedUpdateId = await decided(
    { actionType: "update", targetType: "project", targetId: relaunch.id, parameters: { data: { status: "at_risk", dueDate: "2026-12-15" } }, reason: "Deadline moved after the client call" },
    "approve",
  );
  await waitFor(async () => (await db.agentAction.findUniqueOrThrow({ where: { id: executedUpdateId } })).status === "executed", { what: "update executed" });

  await agent.action.propose.mutate({ actionType: "schedule", targetType: "admin", targetId: ssl.id, parameters: { dueAt: "2026-12-20T09:00:00Z", message: "Renew the SSL certificates before the holidays", recipient: "ops@example.com" } });
  await agent.action.propose.mutate({ actionType: "delete", targetType: "idea", targetId: onboarding.id, reason: "Parked until next year" });
  await agent.action.propose.mutate({ actionType: "notify", parameters: { channel: "email", recipient: "customers@example.com", message: "The customer portal opens on March 1" }, reason: "Announce the launch date" });
  await agent.action.propose.mutate({ actionType: "create", targetType: "person", parameters: { title: "Katherine Johnson", data: { email: "katherine@example.com", role: "Analyst" } }, reason: "New contact from the NASA meeting" });
  await agent.action.propose.mutate({ actionType: "update", targetType: "project", targetId: portal.id, parameters: { title: "Customer portal v2", data: { status: "active", dueDate: "2027-03-01" } }, reason: "Kick-off confirmed by the client" });
});

afterAll(async () => {
  await stack.close();
  if (!keep) await rm(outputDir, { recursive: true, force: true });
});

async function signedInPage(width: number, height: number): Promise<Page> {
  const page = await stack.newPage({ viewport: { width, height }, deviceScaleFactor: width < 600 ? 2 : 1 });
  await page.goto(`${web.url}/sign-in`);
  await hydrated(page);
  await page.getByLabel("Workspace").fill("acme");
  await page.getByLabel("Email").fill("dana@acme.test");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${web.url}/`);
  await hydrated(page);
  return page;
}

/** What a page must show before its picture is taken: its heading, the rows that prove the seed is there, and no error. */
interface Shows {
  heading: { level: 1 | 2; name: string | RegExp };
  texts: (string | RegExp)[];
}

async function expectShown(page: Page, shows: Shows) {
  await page.getByRole("heading", shows.heading).waitFor();
  for (const text of shows.texts) await page.getByText(text).first().waitFor();
  // An error page, a refusal or a failed load: a picture of any of them is not a picture of the console.
  expect(await page.locator(".error-page, .notice-error, [role=alert]").count()).toBe(0);
}

async function shoot(page: Page, path: string, name: string, shows: Shows, options: { fullPage?: boolean } = {}) {
  await page.goto(`${web.url}${path}`);
  await hydrated(page);
  await page.waitForLoadState("networkidle");
  await expectShown(page, shows);
  const file = join(outputDir, name);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false, animations: "disabled" });
  expect((await stat(file)).size).toBeGreaterThan(10_000);
}

/** The triage inbox lists the five proposals still waiting, what cannot be undone marked as such. */
const inboxShows: Shows = {
  heading: { level: 1, name: "Inbox" },
  texts: [/Needs you/, /Katherine Johnson/, /Customer portal/, /Renew the SSL certificates|Renew SSL certificates/, "Parked until next year", /^Cannot be undone$/],
};

describe("screenshots", () => {
  it("of the inbox, an action's detail, the rollback dialog and the history, at desktop width", async () => {
    const page = await signedInPage(1440, 1000);
    await shoot(page, "/", "inbox.png", inboxShows);
    // The split view: five rows, the newest beside them with its decision; the sent message and the delete are marked.
    expect(await page.locator("[data-row-id]").count()).toBe(5);
    expect(await page.locator("article[data-action-id] h2").textContent()).toContain('Update project "Customer portal"');
    expect(await page.locator("[data-row-id]", { hasText: "customers@example.com" }).getByText(/^Cannot be undone$/).isVisible()).toBe(true);
    expect(await page.locator("[data-row-id]", { hasText: /Update project "Customer portal"/ }).getByText(/^Cannot be undone$/).count()).toBe(0);
    await shoot(page, `/actions/${executedUpdateId}`, "action-detail.png", { heading: { level: 1, name: new RegExp(`^#${executedUpdateId} · `) }, texts: ["Deadline moved after the client call", "Timeline"] }, { fullPage: true });
    await shoot(page, `/actions/${executedUpdateId}/rollback`, "rollback-dialog.png", { heading: { level: 2, name: `Roll back #${executedUpdateId}?` }, texts: ["Confirm rollback", "An undo action will restore this:"] });
    const history = { heading: { level: 1 as const, name: "History" }, texts: [/Alan Turing/, /Self-serve onboarding/] };
    await shoot(page, "/history", "history.png", history);
    expect(await page.locator("tbody tr[data-action-id]").count()).toBe(10);
    await page.context().close();
  });

  it("of the inbox on a phone", async () => {
    const page = await signedInPage(390, 844);
    await shoot(page, "/", "inbox-phone.png", inboxShows);
    // On a phone the list comes first; the selected action opens as its own page.
    expect(await page.locator("article[data-action-id]").isVisible()).toBe(false);
    await page.context().close();
  });
});
