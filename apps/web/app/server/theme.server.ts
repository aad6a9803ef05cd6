import { createCookie } from "react-router";

import { themeSchema, type Theme } from "../lib/theme.ts";
import { servedOverHttps } from "./session.server.ts";

/**
 * The reader's theme, kept in the browser for a year. It says nothing about the person, so it is
 * neither signed nor tied to the session: it outlives signing out, and whatever comes back is parsed
 * again, an unknown value reading as "system".
 */
const themeCookie = createCookie("theme", {
  path: "/",
  sameSite: "lax",
  httpOnly: true,
  maxAge: 60 * 60 * 24 * 365,
});

export async function readTheme(request: Request): Promise<Theme> {
  const stored: unknown = await themeCookie.parse(request.headers.get("Cookie"));
  const parsed = themeSchema.safeParse(stored);
  return parsed.success ? parsed.data : "system";
}

export async function themeCookieHeader(theme: Theme, request: Request): Promise<string> {
  return themeCookie.serialize(theme, { secure: servedOverHttps(request) });
}
