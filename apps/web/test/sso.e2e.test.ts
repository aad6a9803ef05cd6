import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import Provider from "oidc-provider";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { deactivateUser } from "@leash/core";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { givePasswords, hydrated, launchBrowser, signInAs, startConsole, type RunningConsole } from "./support.ts";

const CLIENT_ID = "leash-console";
const CLIENT_SECRET = `secret-${randomBytes(16).toString("hex")}`;

let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;
let browser: Browser;
let idp: Server;
let issuer: string;

/**
 * A real OpenID provider on 127.0.0.1 (oidc-provider with its development login page, which takes
 * any login): the login is the person's email, verified unless it starts with "unverified".
 */
async function startProvider(redirectUri: string): Promise<void> {
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [redirectUri], token_endpoint_auth_method: "client_secret_basic" }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: (_context, id) => ({
      accountId: id,
      claims: () => ({ sub: id, email: id, email_verified: !id.startsWith("unverified"), name: `Person ${id.split("@")[0] ?? id}` }),
    }),
  });
  const handle = provider.callback();
  idp.on("request", (request, response) => void handle(request, response));
}

beforeAll(async () => {
  environment = await createTestEnvironment({ connectorKey: randomBytes(32) });
  tenant = await createTestTenant(environment.db, "acme");
  await givePasswords(environment, tenant);
  // The provider answers over plain http here: the console allows that only with this explicit setting.
  web = await startConsole(environment, { SSO_ALLOW_INSECURE_ISSUER: "true" });
  await startProvider(`${web.url}/sign-in/sso/callback`);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser.close();
  await new Promise<void>((resolve) => idp.close(() => resolve()));
  await web.close();
  await environment.close();
});

/** The page's answer to the last form post (the console's toasts are another status region). */
const notice = (page: Page) => page.locator(".notice-region:not(.toast-region)");
/** A fresh browser (no session at the console or the provider); the provider's page fetches no web fonts here. */
async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route(/fonts\.googleapis\.com/, (route) => route.abort());
  return context.newPage();
}

/** From the sign-in page to "Sign in with SSO". */
async function openSsoSignIn(page: Page): Promise<void> {
  await page.goto(`${web.url}/sign-in`);
  await hydrated(page);
  await page.getByRole("link", { name: "Sign in with SSO" }).click();
  await page.waitForURL(`${web.url}/sign-in/sso`);
  await hydrated(page);
}

/** Chooses "Sign in with SSO" and signs in at the provider as `login`; answers the page where the console landed. */
async function signInWithSso(workspaceOrEmail: string, login: string): Promise<Page> {
  const page = await newPage();
  await openSsoSignIn(page);
  await page.getByLabel("Workspace or work email").fill(workspaceOrEmail);
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(new RegExp(`^${issuer}/`));
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("anything");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(new RegExp(`^${web.url}/`));
  await hydrated(page);
  return page;
}

describe("single sign-on with OpenID Connect", () => {
  it("is set up by an admin on its page; the client secret is stored encrypted, and a wrong issuer is refused by field", async () => {
    const page = await newPage();
    await signInAs(page, web.url, tenant, "admin");
    await page.getByRole("link", { name: "Single sign-on" }).click();
    await page.waitForURL(`${web.url}/single-sign-on`);
    await hydrated(page);
    await expect.poll(() => page.getByTestId("redirect-uri").textContent()).toBe(`${web.url}/sign-in/sso/callback`);
    await expect.poll(() => page.getByTestId("sso-state").textContent()).toBe("Not set up: people sign in with their password.");

    await page.getByLabel("Issuer URL").fill("not a url");
    await page.getByLabel("Client id").fill(CLIENT_ID);
    await page.getByLabel("Allowed email domain").fill("acme.test");
    await page.getByRole("button", { name: "Save single sign-on" }).click();
    await expect.poll(() => page.locator("#issuerUrl-error").textContent()).toBe("The issuer URL must be an http(s) URL, e.g. https://accounts.example.com");

    await page.getByLabel("Issuer URL").fill(issuer);
    await page.getByLabel("Client secret").fill(CLIENT_SECRET);
    await page.getByLabel("Role for new people").selectOption("approver");
    await page.getByRole("button", { name: "Save single sign-on" }).click();
    await expect.poll(() => notice(page).textContent()).toBe(`Single sign-on saved: @acme.test people can sign in through ${issuer}.`);
    await expect.poll(() => page.getByTestId("sso-state").textContent()).toContain("new ones become approvers");

    const row = await environment.db.ssoConnection.findUniqueOrThrow({ where: { tenantId: tenant.id } });
    expect(row.clientSecret).not.toContain(CLIENT_SECRET);
    expect(row.clientSecret).toMatch(/^v1:/);
    await page.context().close();
  });

  it("creates a person at their first sign-in, by email domain, with the configured role, in the same session as a password sign-in", async () => {
    const page = await signInWithSso("new.person@acme.test", "new.person@acme.test");
    expect(page.url()).toBe(`${web.url}/`);
    await expect.poll(() => page.locator(".account-name").textContent()).toBe("Person new.person");
    const created = await environment.db.user.findUniqueOrThrow({ where: { tenantId_email: { tenantId: tenant.id, email: "new.person@acme.test" } } });
    expect(created.role).toBe("approver");
    const event = await environment.db.adminEvent.findFirst({ where: { tenantId: tenant.id, type: "user.added", subject: "new.person@acme.test" } });
    expect(event).toMatchObject({ actorKind: "system", actorLabel: "single sign-on" });
    await page.context().close();
  });

  it("links to the existing person with that email when started by workspace name, keeping their role", async () => {
    const page = await signInWithSso("acme", "viewer@acme.test");
    await expect.poll(() => page.locator(".account-name").textContent()).toBe(tenant.viewer.label);
    expect(await environment.db.user.count({ where: { tenantId: tenant.id, email: "viewer@acme.test" } })).toBe(1);
    await page.context().close();
  });

  it("refuses an email outside the allowed domain, an unverified email and a deactivated person, back on the sign-in page", async () => {
    const { person } = { person: await environment.db.user.create({ data: { tenantId: tenant.id, email: "gone@acme.test", name: "Gone", role: "viewer", passwordHash: "unused" } }) };
    await deactivateUser(environment.deps, { actor: tenant.admin, input: { userId: person.id } });
    const cases = [
      { login: "someone@elsewhere.test", message: "Single sign-on did not sign you in: only @acme.test accounts may sign in to Tenant acme" },
      { login: "unverified@acme.test", message: "Single sign-on did not sign you in: the provider has not verified unverified@acme.test" },
      { login: "gone@acme.test", message: "Single sign-on did not sign you in: this account was deactivated; ask an admin of the workspace" },
    ];
    for (const { login, message } of cases) {
      const page = await signInWithSso("acme", login);
      expect(page.url()).toBe(`${web.url}/sign-in/sso`);
      await expect.poll(() => page.getByTestId("sso-error").textContent()).toBe(message);
      await page.context().close();
    }
    expect(await environment.db.user.count({ where: { email: { in: ["someone@elsewhere.test", "unverified@acme.test"] } } })).toBe(0);
  });

  it("refuses a callback whose state does not match the one this browser started with, and one no browser started", async () => {
    const page = await newPage();
    await page.goto(`${web.url}/sign-in/sso/callback?code=stolen&state=guessed`);
    await expect.poll(() => page.getByTestId("sso-error").textContent()).toBe("Single sign-on did not sign you in: this sign-in was not started from this browser, or it took too long; start again");

    await openSsoSignIn(page);
    await page.getByLabel("Workspace or work email").fill("acme");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(new RegExp(`^${issuer}/`));
    await page.goto(`${web.url}/sign-in/sso/callback?code=stolen&state=guessed`);
    await expect.poll(() => page.getByTestId("sso-error").textContent()).toContain("Single sign-on did not sign you in: the provider's answer did not check out");
    expect(page.url()).toBe(`${web.url}/sign-in/sso`);
    await page.context().close();
  });

  it("tells a person when their workspace has no single sign-on, and keeps the page to admins (403 for an approver)", async () => {
    const page = await newPage();
    await openSsoSignIn(page);
    await page.getByLabel("Workspace or work email").fill("someone@nowhere.test");
    await page.getByRole("button", { name: "Continue" }).click();
    await expect.poll(() => page.getByTestId("sso-error").textContent()).toBe("No workspace signs in @nowhere.test people with single sign-on; sign in with your password");

    await signInAs(page, web.url, tenant, "approver");
    await expect.poll(() => page.getByRole("link", { name: "Single sign-on" }).count()).toBe(0);
    const response = await page.goto(`${web.url}/single-sign-on`);
    expect(response?.status()).toBe(403);
    await page.context().close();
  });
});
