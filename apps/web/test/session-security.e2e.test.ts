import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createTestEnvironment, createTestTenant, type TestEnvironment, type TestTenant } from "@leash/core/testing";

import { givePasswords, passwords, startConsole, type RunningConsole } from "./support.ts";

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

function signIn(visit: { cookie: string; csrf?: string }, headers: Record<string, string> = {}) {
  const form = new URLSearchParams({ tenant: tenant.slug, email: `approver@${tenant.slug}.test`, password: passwords.approver, ...(visit.csrf ? { csrf: visit.csrf } : {}) });
  return fetch(`${web.url}/sign-in`, { method: "POST", body: form, redirect: "manual", headers: { cookie: visit.cookie, ...headers } });
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
