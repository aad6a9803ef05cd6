import type { TestTenant } from "@leash/core/testing";

import { passwords, type Role } from "./support.ts";

/**
 * A signed-in person of the console driven over plain HTTP, without a browser: the session cookie
 * and its anti-forgery token, as a crafted client (or a form without JavaScript) would post them.
 */
export interface HttpSession {
  csrf: string;
  /** Posts form fields to a route's action (the token is added unless `csrf` is given), without following redirects. */
  post(path: string, fields: [string, string][], options?: { csrf?: string; body?: BodyInit; contentType?: string }): Promise<{ status: number; text: string }>;
  /** Loads a page (a path with its query string) with the session's cookie, without following redirects. */
  get(path: string): Promise<{ status: number; text: string }>;
}

const tokenIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];

export async function signInOverHttp(consoleUrl: string, tenant: TestTenant, role: Role): Promise<HttpSession> {
  let cookie = "";
  const remember = (response: Response) => {
    const set = response.headers.get("set-cookie");
    if (set) cookie = set.split(";")[0] ?? "";
  };
  const page = await fetch(`${consoleUrl}/sign-in`);
  remember(page);
  const signInToken = tokenIn(await page.text());
  if (!signInToken) throw new Error("no anti-forgery token on the sign-in page");
  const signedIn = await fetch(`${consoleUrl}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ tenant: tenant.slug, email: `${role}@${tenant.slug}.test`, password: passwords[role], csrf: signInToken }),
  });
  if (signedIn.status !== 302) throw new Error(`sign-in answered ${signedIn.status}`);
  remember(signedIn);
  const home = await fetch(`${consoleUrl}/`, { headers: { cookie } });
  const csrf = tokenIn(await home.text());
  if (!csrf) throw new Error("no anti-forgery token once signed in");
  return {
    csrf,
    async post(path, fields, options = {}) {
      const body = options.body ?? new URLSearchParams([["csrf", options.csrf ?? csrf], ...fields]);
      // A streamed body (no content-length) needs `duplex` in Node's fetch, which its RequestInit type lacks.
      const init = { method: "POST", redirect: "manual" as const, headers: { cookie, "content-type": options.contentType ?? "application/x-www-form-urlencoded" }, body, duplex: "half" };
      const response = await fetch(`${consoleUrl}${path}`, init);
      return { status: response.status, text: await response.text() };
    },
    async get(path) {
      const response = await fetch(`${consoleUrl}${path}`, { redirect: "manual", headers: { cookie } });
      return { status: response.status, text: await response.text() };
    },
  };
}
