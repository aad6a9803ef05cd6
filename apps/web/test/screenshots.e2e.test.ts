import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContextOptions, Page } from "playwright-core";

import { approveAction, createApiKey, createTenant, createUser, rejectAction, type Actor } from "@leash/core";
import { waitFor } from "@leash/core/testing";

import { hydrated, startConsoleStack, type ConsoleStack, type RunningConsole } from "./support.ts";

/**
 * Pictures of the console with a realistic workspace: inbox, action detail, rollback dialog, history,
 * metrics and people, each in the light and the dark theme, at desktop width (1440×900) and on a
 * phone (390×844), named `<page>-<theme>-<device>.png`. Each is taken only once the page shows what
 * it should, in the theme it should. `pnpm --filter @leash/web screenshots` writes them to
 * docs/screenshots/; the normal test run writes them to a temporary folder.
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
    // An admin, so that the people page is in the pictures too; the others are who that page lists.
    const dana = await createUser(db, { tenantSlug: "acme", email: "dana@acme.test", name: "Dana Whitfield", role: "admin", password: PASSWORD });
    await createUser(db, { tenantSlug: "acme", email: "sam@acme.test", name: "Sam Okafor", role: "approver", password: PASSWORD });
    await createUser(db, { tenantSlug: "acme", email: "priya@acme.test", name: "Priya Raman", role: "viewer", password: PASSWORD });
    const approver: Actor = { kind: "user", tenantId: tenant.id, userId: dana.id, role: "admin", label: dana.name };
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

type Theme = "light" | "dark";
type Device = "desktop" | "phone";

const devices: Record<Device, BrowserContextOptions> = {
  desktop: { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

/** Signed in as Dana with the theme chosen (the `theme` cookie, as the console's switch leaves it), against the system's opposite preference. */
async function signedInPage(theme: Theme, device: Device): Promise<Page> {
  const page = await stack.newPage({ ...devices[device], colorScheme: theme === "dark" ? "light" : "dark" });
  await page.context().addCookies([{ name: "theme", value: encodeURIComponent(btoa(JSON.stringify(theme))), url: web.url }]);
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

/** The page's background as a relative luminance (0 black, 1 white), as the browser paints it. */
async function backgroundLuminance(page: Page): Promise<number> {
  const colour = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
    const channel = Number(part) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

async function expectShown(page: Page, shows: Shows, theme: Theme, device: Device) {
  await page.getByRole("heading", shows.heading).waitFor();
  for (const text of shows.texts) await page.getByText(text).first().waitFor();
  // An error page, a refusal or a failed load: a picture of any of them is not a picture of the console.
  expect(await page.locator(".error-page, .notice-error, [role=alert]").count()).toBe(0);
  // In the theme it should be, whatever the system prefers.
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
  const luminance = await backgroundLuminance(page);
  expect(theme === "dark" ? luminance < 0.05 : luminance > 0.8).toBe(true);
  // A phone has the menu button instead of the sidebar's links; a wide screen the links.
  const navigation = page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "History" });
  expect(await page.locator("summary.nav-menu-button").isVisible()).toBe(device === "phone");
  expect(await navigation.isVisible()).toBe(device === "desktop");
}

/** `ready`: a selector for what the page draws after it loads (the metrics' charts, in the theme's colours). */
async function shoot(page: Page, path: string, name: string, shows: Shows, options: { theme: Theme; device: Device; fullPage?: boolean; ready?: string }) {
  await page.goto(`${web.url}${path}`);
  await hydrated(page);
  await page.waitForLoadState("networkidle");
  await expectShown(page, shows, options.theme, options.device);
  if (options.ready) await page.waitForSelector(options.ready);
  await page.screenshot({ path: join(outputDir, `${name}-${options.theme}-${options.device}.png`), fullPage: options.fullPage ?? false, animations: "disabled" });
}

/** The triage inbox lists the five proposals still waiting, what cannot be undone marked as such. */
const inboxShows: Shows = {
  heading: { level: 1, name: "Inbox" },
  texts: [/Needs you/, /Katherine Johnson/, /Customer portal/, /Renew the SSL certificates|Renew SSL certificates/, "Parked until next year", /^Cannot be undone$/],
};

describe.each([
  ["light", "desktop"],
  ["dark", "desktop"],
  ["light", "phone"],
  ["dark", "phone"],
] as const)("screenshots in the %s theme on a %s", (theme, device) => {
  it("of the inbox, an action's detail, the rollback dialog, the history, the metrics and the people", async () => {
    const page = await signedInPage(theme, device);
    const options = { theme, device };
    await shoot(page, "/", "inbox", inboxShows, options);
    expect(await page.locator("[data-row-id]").count()).toBe(5);
    expect(await page.locator("[data-row-id]", { hasText: "customers@example.com" }).getByText(/^Cannot be undone$/).isVisible()).toBe(true);
    expect(await page.locator("[data-row-id]", { hasText: /Update project "Customer portal"/ }).getByText(/^Cannot be undone$/).count()).toBe(0);
    if (device === "desktop") {
      // The split view: five rows, the newest beside them with its decision.
      expect(await page.locator("article[data-action-id] h2").textContent()).toContain('Update project "Customer portal"');
    } else {
      // On a phone the list comes first; the selected action opens as its own page.
      expect(await page.locator("article[data-action-id]").isVisible()).toBe(false);
    }
    await shoot(page, `/actions/${executedUpdateId}`, "action-detail", { heading: { level: 1, name: new RegExp(`^#${executedUpdateId} · `) }, texts: ["Deadline moved after the client call", "Timeline"] }, { ...options, fullPage: device === "desktop" });
    await shoot(page, `/actions/${executedUpdateId}/rollback`, "rollback-dialog", { heading: { level: 2, name: `Roll back #${executedUpdateId}?` }, texts: ["Confirm rollback", "An undo action will restore this:"] }, options);
    await shoot(page, "/history", "history", { heading: { level: 1, name: "History" }, texts: [/Alan Turing/, /Self-serve onboarding/] }, options);
    expect(await page.locator("tbody tr[data-action-id]").count()).toBe(10);
    await shoot(page, "/metrics", "metrics", { heading: { level: 1, name: "Metrics" }, texts: ["Decisions and volume"] }, { ...options, ready: `[data-testid="chart-rates"][data-drawn-in="${theme}"]` });
    await shoot(page, "/people", "people", { heading: { level: 1, name: "People" }, texts: ["Sam Okafor", "Priya Raman"] }, options);
    await page.context().close();
  });
});
