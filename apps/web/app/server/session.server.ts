import { randomBytes, timingSafeEqual } from "node:crypto";

import { createCookieSessionStorage, type Session } from "react-router";

import { SESSION_MAX_AGE_MS, type PendingSsoSignIn, type SessionClaims } from "@leash/core";

import { sessionSecret } from "./env.server.ts";

/** Who signed in and when (core's session claims, checked by core on every request), and the form token. */
interface SessionData extends SessionClaims {
  /** The anti-forgery token every form of this session carries back. */
  csrf: string;
  /** A single sign-on under way: what its callback checks the provider's answer against (core's finishSsoSignIn). */
  ssoPending: PendingSsoSignIn;
  /** Where to go once that sign-on completes. */
  ssoRedirectTo: string;
}

interface FlashData {
  notice: string;
  /** Why a single sign-on did not sign the person in, shown once on the sign-in page. */
  signInError: string;
}

export type ConsoleSession = Session<SessionData, FlashData>;

const storage = createCookieSessionStorage<SessionData, FlashData>({
  cookie: {
    name: "leash_session",
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [sessionSecret],
    // Only tells the browser when to drop the cookie: the expiry that holds is the signed `issuedAt`, checked by core.
    maxAge: SESSION_MAX_AGE_MS / 1000,
  },
});

export function getSession(request: Request): Promise<ConsoleSession> {
  return storage.getSession(request.headers.get("Cookie"));
}

/** Served over https (directly, or behind a proxy that says so), the cookie is only ever sent over https. */
export function servedOverHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export async function commitSession(session: ConsoleSession, request: Request): Promise<Headers> {
  return new Headers({ "Set-Cookie": await storage.commitSession(session, { secure: servedOverHttps(request) }) });
}

export async function destroySession(session: ConsoleSession, request: Request): Promise<Headers> {
  return new Headers({ "Set-Cookie": await storage.destroySession(session, { secure: servedOverHttps(request) }) });
}

/** What core checks the session against: absent values stay absent, and core refuses them. */
export function sessionClaims(session: ConsoleSession): Partial<SessionClaims> {
  return { userId: session.get("userId"), sessionVersion: session.get("sessionVersion"), issuedAt: session.get("issuedAt") };
}

/** Makes this session the signed-in person's, with a new anti-forgery token: one seen before sign-in is worth nothing afterwards. */
export function startSignedInSession(session: ConsoleSession, claims: SessionClaims): void {
  session.set("userId", claims.userId);
  session.set("sessionVersion", claims.sessionVersion);
  session.set("issuedAt", claims.issuedAt);
  session.set("csrf", newCsrfToken());
}

export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

export function csrfMatches(session: ConsoleSession, presented: FormDataEntryValue | null): boolean {
  const expected = session.get("csrf");
  if (!expected || typeof presented !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Leaves a one-time message for the page a form post redirects to ("Rollback started ..."). */
export async function flashNotice(request: Request, notice: string): Promise<Headers> {
  const session = await getSession(request);
  session.flash("notice", notice);
  return commitSession(session, request);
}

/** The one-time message left for this page, if any, and the cookie that clears it. */
export async function takeNotice(request: Request): Promise<{ notice: string | null; headers: Headers | undefined }> {
  const session = await getSession(request);
  const notice = session.get("notice");
  if (!notice) return { notice: null, headers: undefined };
  return { notice, headers: await commitSession(session, request) };
}
