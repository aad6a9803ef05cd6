import { createCookieSessionStorage } from "react-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SESSION_MAX_AGE_MS } from "@leash/core";
import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { E2E_SESSION_SECRET, givePasswords, passwords, startConsole, type RunningConsole, type Role } from "./support.ts";

/** The session cookie and CSRF token as a browser holds them, driven over plain HTTP (no browser needed). */
let environment: TestEnvironment;
let tenant: TestTenant;
let web: RunningConsole;

beforeAll(async () => {
  environment = await createTestEnvironment();
  tenant = await createTestTenant(environment.db, "acme");
  await givePasswords(environment, tenant);
  web = await startConsole(environment);
});

afterAll(async () => {
  await web.close();
  await environment.close();
});

const cookieOf = (response: Response) => response.headers.getSetCookie().find((cookie) => cookie.startsWith("leash_session="));
const cookieValue = (setCookie: string) => setCookie.split(";")[0] ?? "";

/** Opens the sign-in page as a new visitor: the session cookie it got and the form's CSRF token. */
async function visitSignIn(): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${web.url}/sign-in`);
  const setCookie = cookieOf(response);
  const csrf = /name="csrf" value="([^"]+)"/.exec(await response.text())?.[1];
  if (!setCookie || !csrf) throw new Error("the sign-in page gave no session or no CSRF token");
  return { cookie: cookieValue(setCookie), csrf };
}

function signIn(
  visit: { cookie: string; csrf?: string },
  headers: Record<string, string> = {},
  as: { role?: Role; password?: string; redirectTo?: string } = {},
) {
  const role = as.role ?? "approver";
  const form = new URLSearchParams({
    tenant: tenant.slug,
    email: `${role}@${tenant.slug}.test`,
    password: as.password ?? passwords[role],
    ...(visit.csrf ? { csrf: visit.csrf } : {}),
    ...(as.redirectTo === undefined ? {} : { redirectTo: as.redirectTo }),
  });
  return fetch(`${web.url}/sign-in`, { method: "POST", body: form, redirect: "manual", headers: { cookie: visit.cookie, ...headers } });
}

/** A signed-in session cookie of `role`, as the browser holds it after the sign-in form. */
async function sessionOf(role: Role): Promise<string> {
  const signedIn = await signIn(await visitSignIn(), {}, { role });
  expect(signedIn.status).toBe(302);
  return cookieValue(cookieOf(signedIn) ?? "");
}

/** Where the console sends a request with this cookie: null when it answers the page itself. */
async function redirectOf(path: string, cookie: string): Promise<string | null> {
  const response = await fetch(`${web.url}${path}`, { redirect: "manual", headers: { cookie } });
  await response.body?.cancel();
  if (response.status === 200) return null;
  expect(response.status).toBe(302);
  return response.headers.get("location");
}

describe("the console's session cookie and CSRF protection", () => {
  it("signs in with a cookie that is HttpOnly and SameSite=Lax, and Secure when served over https", async () => {
    const plain = await signIn(await visitSignIn());
    expect(plain.status).toBe(302);
    const plainCookie = cookieOf(plain) ?? "";
    expect(plainCookie).toMatch(/; HttpOnly/i);
    expect(plainCookie).toMatch(/; SameSite=Lax/i);
    expect(plainCookie).not.toMatch(/; Secure/i);

    const behindTls = await signIn(await visitSignIn(), { "x-forwarded-proto": "https" });
    expect(behindTls.status).toBe(302);
    expect(cookieOf(behindTls)).toMatch(/; Secure/i);
  });

  it("refuses a sign-in post without the form's CSRF token (login CSRF)", async () => {
    const { cookie } = await visitSignIn();
    const response = await signIn({ cookie });
    expect(response.status).toBe(403);
    expect(cookieOf(response)).toBeUndefined();
  });

  it("issues a new CSRF token at sign-in: the one seen before is worth nothing afterwards", async () => {
    const visit = await visitSignIn();
    const signedIn = await signIn(visit);
    const session = cookieValue(cookieOf(signedIn) ?? "");
    const signOut = await fetch(`${web.url}/sign-out`, { method: "POST", body: new URLSearchParams({ csrf: visit.csrf }), redirect: "manual", headers: { cookie: session } });
    expect(signOut.status).toBe(403);
    const inbox = await fetch(`${web.url}/`, { redirect: "manual", headers: { cookie: session } });
    expect(inbox.status).toBe(200);
  });

  it("treats a session cookie whose signature does not match as no session", async () => {
    const signedIn = await signIn(await visitSignIn());
    const session = cookieValue(cookieOf(signedIn) ?? "");
    const [name, value = ""] = session.split("=");
    // Flip one character of the signed value: the payload or its signature no longer match.
    const index = Math.floor(value.length / 2);
    const forged = `${name}=${value.slice(0, index)}${value[index] === "A" ? "B" : "A"}${value.slice(index + 1)}`;
    const response = await fetch(`${web.url}/`, { redirect: "manual", headers: { cookie: forged } });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toMatch(/^\/sign-in/);
  });
});

describe("where sign-in goes afterwards", () => {
  it("sends an open redirect (/%09/evil.com and friends) to / instead of another site", async () => {
    const page = await fetch(`${web.url}/sign-in?redirectTo=/%09/evil.com`);
    expect(await page.text()).toContain('name="redirectTo" value="/"');

    for (const redirectTo of ["/\t/evil.com", "//evil.com", "/\\evil.com", "https://evil.com/", "javascript:alert(1)"]) {
      const signedIn = await signIn(await visitSignIn(), {}, { redirectTo });
      expect(signedIn.status).toBe(302);
      expect(signedIn.headers.get("location")).toBe("/");
    }
    const kept = await signIn(await visitSignIn(), {}, { redirectTo: "/history?status=pending" });
    expect(kept.headers.get("location")).toBe("/history?status=pending");
  });
});

describe("sign-in throttling", () => {
  it("refuses the 11th attempt after 10 wrong passwords with 429 and says when to try again, even with the right password", async () => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const wrong = await signIn(await visitSignIn(), {}, { role: "viewer", password: `wrong guess ${attempt}` });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain("That workspace, email and password do not match an account");
    }
    const right = await signIn(await visitSignIn(), {}, { role: "viewer" });
    expect(right.status).toBe(429);
    expect(cookieOf(right)).toBeUndefined();
    expect(await right.text()).toMatch(/role="alert">Too many sign-in attempts; try again in 15 minutes</);

    // The account is what is refused: another person signs in from the same address.
    expect((await signIn(await visitSignIn(), {}, { role: "admin" })).status).toBe(302);
  });
});

describe("ending sessions", () => {
  it("stops a stolen cookie once its owner signs out everywhere from Settings, and their own session with it", async () => {
    const stolen = await sessionOf("approver");
    const own = await sessionOf("approver");
    expect(await redirectOf("/", stolen)).toBeNull();

    const settings = await fetch(`${web.url}/settings`, { headers: { cookie: own } });
    const html = await settings.text();
    expect(html).toContain("Sign out everywhere");
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? "";
    const signedOut = await fetch(`${web.url}/settings`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: own, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf, intent: "sign-out-everywhere" }),
    });
    expect(signedOut.status).toBe(302);
    expect(signedOut.headers.get("location")).toBe("/sign-in");
    expect(cookieOf(signedOut)).toMatch(/^leash_session=;/);

    expect(await redirectOf("/", stolen)).toBe("/sign-in");
    expect(await redirectOf("/history", stolen)).toBe("/sign-in?redirectTo=%2Fhistory");
    expect(await redirectOf("/", own)).toBe("/sign-in");
    // Signing in again works, and other people's sessions were never touched.
    expect(await redirectOf("/", await sessionOf("approver"))).toBeNull();
  });

  it("refuses a session signed in more than 12 hours ago, and one from before sessions carried a version and a time", async () => {
    const user = await environment.db.user.findUniqueOrThrow({ where: { id: tenant.admin.userId } });
    const storage = createCookieSessionStorage({ cookie: { name: "leash_session", httpOnly: true, sameSite: "lax", path: "/", secrets: [E2E_SESSION_SECRET] } });
    const cookieWith = async (data: Record<string, unknown>) => {
      const session = await storage.getSession();
      for (const [key, value] of Object.entries(data)) session.set(key, value);
      return cookieValue(await storage.commitSession(session));
    };
    const claims = { userId: user.id, sessionVersion: user.sessionVersion, csrf: "forged-in-the-test" };

    // Signed with the console's secret: accepted while young, so only its age is refused below.
    expect(await redirectOf("/", await cookieWith({ ...claims, issuedAt: Date.now() - 60_000 }))).toBeNull();
    expect(await redirectOf("/", await cookieWith({ ...claims, issuedAt: Date.now() - SESSION_MAX_AGE_MS - 60_000 }))).toBe("/sign-in");
    expect(await redirectOf("/", await cookieWith({ userId: user.id, csrf: "an-old-session" }))).toBe("/sign-in");
  });
});
