import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BrowserContextOptions, Page } from "playwright-core";

import { signInOverHttp, type HttpSession } from "./http-session.ts";
import { hydrated, startConsoleStack, type RunningConsole, type TenantConsoleStack } from "./support.ts";

let stack: TenantConsoleStack;
let web: RunningConsole;
let pageFor: TenantConsoleStack["pageFor"];

beforeAll(async () => {
  stack = await startConsoleStack();
  ({ web, pageFor } = stack);
});

afterAll(() => stack.close());

/** The page's background as a relative luminance (0 black, 1 white), computed from what the browser paints. */
async function backgroundLuminance(page: Page): Promise<number> {
  const colour = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
    const channel = Number(part) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

const looksDark = async (page: Page) => (await backgroundLuminance(page)) < 0.05;
const dataTheme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme ?? "system");

const themeButton = (page: Page, name: "System" | "Light" | "Dark") =>
  page.getByRole("group", { name: "Theme" }).getByRole("button", { name, exact: true });

/** A page of a new browser context without scripts, signed in with the cookies of a page that signed in through the form. */
async function withoutScripts(from: Page, options: BrowserContextOptions = {}): Promise<Page> {
  const cookies = await from.context().cookies();
  const page = await stack.newPage({ javaScriptEnabled: false, ...options });
  await page.context().addCookies(cookies);
  return page;
}

describe("theme", () => {
  it("follows the system's preference when nothing was chosen", async () => {
    const dark = await pageFor("viewer", { colorScheme: "dark" });
    expect(await dataTheme(dark)).toBe("system");
    expect(await looksDark(dark)).toBe(true);
    expect(await dark.locator('meta[name="color-scheme"]').getAttribute("content")).toBe("light dark");
    expect(await themeButton(dark, "System").getAttribute("aria-pressed")).toBe("true");

    const light = await pageFor("viewer", { colorScheme: "light" });
    expect(await looksDark(light)).toBe(false);
  });

  it("a chosen theme applies without a reload, beats the system's preference, stays after a reload, and redraws the charts", async () => {
    const page = await pageFor("approver", { colorScheme: "dark" });
    await page.goto(`${web.url}/metrics`);
    await hydrated(page);
    await page.waitForSelector('[data-testid="chart-rates"][data-drawn-in="dark"]');
    // A mark that a full reload would wipe out.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }));

    await themeButton(page, "Light").click();
    await expect.poll(() => dataTheme(page)).toBe("light");
    expect(await looksDark(page)).toBe(false);
    await page.waitForSelector('[data-testid="chart-rates"][data-drawn-in="light"]');
    expect(await page.evaluate(() => "sameDocument" in window)).toBe(true);
    await expect.poll(() => themeButton(page, "Light").getAttribute("aria-pressed")).toBe("true");

    await page.reload();
    await hydrated(page);
    expect(await dataTheme(page)).toBe("light");
    expect(await page.locator('meta[name="color-scheme"]').getAttribute("content")).toBe("light");
    expect(await looksDark(page)).toBe(false);

    await themeButton(page, "System").click();
    await expect.poll(() => dataTheme(page)).toBe("system");
    expect(await looksDark(page)).toBe(true);
    await themeButton(page, "Dark").click();
    await expect.poll(() => dataTheme(page)).toBe("dark");
  });

  it("is chosen without scripts: the form posts and comes back to the page it was on", async () => {
    const signedIn = await pageFor("viewer", { colorScheme: "light" });
    const page = await withoutScripts(signedIn, { colorScheme: "light" });
    await page.goto(`${web.url}/history`);
    expect(await looksDark(page)).toBe(false);
    await themeButton(page, "Dark").click();
    await page.waitForURL(`${web.url}/history`);
    expect(await dataTheme(page)).toBe("dark");
    expect(await looksDark(page)).toBe(true);
    await page.getByRole("heading", { level: 1, name: "History" }).waitFor();
  });

  it("refuses a theme it does not know, and never sends the reader to another site", async () => {
    const page = await pageFor("viewer", { colorScheme: "light" });
    const csrf = await page.locator('.theme-switch-topbar input[name="csrf"]').inputValue();
    const post = (form: Record<string, string>) =>
      page.request.post(`${web.url}/theme`, { form, maxRedirects: 0 });

    const unknown = await post({ csrf, theme: "purple", redirectTo: "/" });
    expect(unknown.status()).toBe(400);
    expect(await unknown.text()).toContain("Choose System, Light or Dark.");
    expect(unknown.headers()["set-cookie"]).toBeUndefined();

    const forged = await post({ csrf: "not-the-token", theme: "dark", redirectTo: "/" });
    expect(forged.status()).toBe(403);

    const elsewhere = await post({ csrf, theme: "dark", redirectTo: "https://evil.example/" });
    expect(elsewhere.status()).toBe(302);
    expect(elsewhere.headers().location).toBe("/");

    // A cookie someone edited by hand reads as "system".
    await page.context().addCookies([{ name: "theme", value: "bm90LWEtdGhlbWU", url: web.url }]);
    await page.reload();
    expect(await dataTheme(page)).toBe("system");
  });
});

describe("tab title", () => {
  it("starts with how many actions wait for the reader, updated live, and drops it when none wait", async () => {
    const page = await pageFor("approver");
    await expect.poll(() => page.title()).toBe("Inbox · Leash console");
    const agent = stack.api.client(stack.tenant.keys.agent);
    const proposed = [];
    for (const message of ["First", "Second", "Third"]) {
      const { action } = await agent.action.propose.mutate({
        actionType: "notify",
        parameters: { channel: "email", recipient: "ops@example.com", message },
      });
      proposed.push(action.id);
    }
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe("(3) Inbox · Leash console");
    await page.goto(`${web.url}/history`);
    await hydrated(page);
    await expect.poll(() => page.title()).toBe("(3) History · Leash console");

    for (const actionId of proposed) await agent.action.cancel.mutate({ actionId });
    await expect.poll(() => page.title(), { timeout: 15_000 }).toBe("History · Leash console");
  });

  it("is in the server's first HTML, before any script runs, for a reader who may decide", async () => {
    const agent = stack.api.client(stack.tenant.keys.agent);
    const proposed = [];
    for (const message of ["First", "Second"]) {
      const { action } = await agent.action.propose.mutate({
        actionType: "notify",
        parameters: { channel: "email", recipient: "ops@example.com", message },
      });
      proposed.push(action.id);
    }
    const titleOf = async (session: HttpSession, path: string) =>
      /<title>([^<]*)<\/title>/.exec((await session.get(path)).text)?.[1];
    const approver = await signInOverHttp(web.url, stack.tenant, "approver");
    expect(await titleOf(approver, "/history")).toBe("(2) History · Leash console");
    expect(await titleOf(approver, `/actions/${proposed[0]}`)).toBe(`(2) Action #${proposed[0]} · Leash console`);
    // Nothing waits for a viewer, who may not decide.
    const viewer = await signInOverHttp(web.url, stack.tenant, "viewer");
    expect(await titleOf(viewer, "/history")).toBe("History · Leash console");

    for (const actionId of proposed) await agent.action.cancel.mutate({ actionId });
    expect(await titleOf(approver, "/history")).toBe("History · Leash console");
  });
});

/** Every page of the navigation of an admin (who sees them all), with the heading it opens on. */
const everyPage: { link: string; path: string; heading: string }[] = [
  { link: "Inbox", path: "/", heading: "Inbox" },
  { link: "History", path: "/history", heading: "History" },
  { link: "Templates", path: "/templates", heading: "Templates" },
  { link: "Items", path: "/items", heading: "Items" },
  { link: "Queue", path: "/queue", heading: "Queue" },
  { link: "Metrics", path: "/metrics", heading: "Metrics" },
  { link: "Preferences", path: "/preferences", heading: "Preferences" },
  { link: "Policies", path: "/policies", heading: "Policies" },
  { link: "Connectors", path: "/connectors", heading: "Connectors" },
  { link: "Webhooks", path: "/webhooks", heading: "Webhooks" },
  { link: "People", path: "/people", heading: "People" },
  { link: "API keys", path: "/api-keys", heading: "API keys" },
  { link: "Single sign-on", path: "/single-sign-on", heading: "Single sign-on" },
  { link: "Notifications", path: "/notifications", heading: "Notifications" },
  { link: "Settings", path: "/settings", heading: "Settings" },
];

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/** Nothing when the page fits the screen's width; else the innermost elements that reach past it, to say what to fix. */
const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => {
    const root = document.scrollingElement;
    if (!root) return ["no scrolling element"];
    if (root.scrollWidth <= root.clientWidth) return [];
    const past = [...document.body.querySelectorAll("*")].filter(
      (element) => element.checkVisibility() && element.getBoundingClientRect().right > root.clientWidth + 1,
    );
    const innermost = past.filter(
      (element) => !past.some((other) => other !== element && element.contains(other)),
    );
    return [
      `${root.scrollWidth} > ${root.clientWidth}`,
      ...innermost
        .slice(0, 5)
        .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`),
    ];
  });

describe("phone layout", () => {
  it("reaches every page of the navigation through the menu, none of them wider than the screen", async () => {
    const page = await pageFor("admin", PHONE);
    const menu = page.locator("summary.nav-menu-button");
    const navigation = page.getByRole("navigation", { name: "Console" });
    // Starts from the last page of the list, so that each link leads to another page than the one open.
    await page.goto(`${web.url}/settings`);
    await hydrated(page);
    for (const entry of everyPage) {
      expect(await menu.isVisible()).toBe(true);
      expect(await navigation.getByRole("link", { name: entry.link }).isVisible()).toBe(false);
      await menu.click();
      await navigation.getByRole("link", { name: new RegExp(`^${entry.link}`) }).click();
      await page.waitForURL(`${web.url}${entry.path}`);
      await page.getByRole("heading", { level: 1, name: entry.heading, exact: true }).waitFor();
      await page.waitForLoadState("networkidle");
      expect({ page: entry.path, overflow: await sidewaysOverflow(page) }).toEqual({
        page: entry.path,
        overflow: [],
      });
      // The menu folds up once a link in it has been followed.
      await expect.poll(() => page.locator("details.nav-menu").getAttribute("open")).toBeNull();
    }

    await menu.click();
    const kept = page.waitForResponse((response) => new URL(response.url()).pathname.startsWith("/theme"));
    await themeButton(page, "Dark").click();
    await expect.poll(() => dataTheme(page)).toBe("dark");
    await kept;
    // A fresh page (the choice's own redirect could fold the menu up at any moment): it stays dark, and Sign out is in the menu.
    await page.reload();
    await hydrated(page);
    expect(await dataTheme(page)).toBe("dark");
    await menu.click();
    const signOut = navigation.getByRole("button", { name: "Sign out" });
    await signOut.click();
    await page.waitForURL(`${web.url}/sign-in`);
  });

  it("opens the menu without scripts too", async () => {
    const signedIn = await pageFor("viewer", PHONE);
    const page = await withoutScripts(signedIn, PHONE);
    await page.goto(`${web.url}/`);
    await page.locator("summary.nav-menu-button").click();
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Queue" }).click();
    await page.waitForURL(`${web.url}/queue`);
    await page.getByRole("heading", { level: 1, name: "Queue" }).waitFor();
  });

  it("keeps the wide screen's sidebar without a menu button", async () => {
    const page = await pageFor("admin");
    // The page signed in on may still be on screen a moment after the address changed: the console's
    // navigation is waited for before anything is judged absent.
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Single sign-on" }).waitFor({ state: "visible" });
    expect(await page.locator("summary.nav-menu-button").isVisible()).toBe(false);
    expect(
      await page
        .getByRole("navigation", { name: "Console" })
        .getByRole("link", { name: "Settings" })
        .isVisible(),
    ).toBe(false);
  });
});
