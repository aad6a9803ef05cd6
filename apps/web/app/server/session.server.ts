import { randomBytes, timingSafeEqual } from "node:crypto";

import { createCookieSessionStorage, type Session } from "react-router";

import { sessionSecret } from "./env.server.ts";

interface SessionData {
  userId: string;
  /** The anti-forgery token every form of this session carries back. */
  csrf: string;
}

interface FlashData {
  notice: string;
}

export type ConsoleSession = Session<SessionData, FlashData>;

const storage = createCookieSessionStorage<SessionData, FlashData>({
  cookie: {
    name: "leash_session",
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secrets: [sessionSecret],
    maxAge: 60 * 60 * 12,
  },
});

export function getSession(request: Request): Promise<ConsoleSession> {
  return storage.getSession(request.headers.get("Cookie"));
}

/** Served over https (directly, or behind a proxy that says so), the cookie is only ever sent over https. */
function servedOverHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export async function commitSession(session: ConsoleSession, request: Request): Promise<Headers> {
  return new Headers({ "Set-Cookie": await storage.commitSession(session, { secure: servedOverHttps(request) }) });
}

export async function destroySession(session: ConsoleSession, request: Request): Promise<Headers> {
  return new Headers({ "Set-Cookie": await storage.destroySession(session, { secure: servedOverHttps(request) }) });
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
