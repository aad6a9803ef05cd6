import { useEffect, type ReactNode } from "react";
import { data, isRouteErrorResponse, Link, Links, Meta, Outlet, Scripts, ScrollRestoration } from "react-router";

import type { Route } from "./+types/root";
import { ReaderClockProvider, TIME_ZONE_COOKIE_SCRIPT } from "./lib/reader-clock.tsx";
import { useTheme } from "./lib/use-theme.ts";
import { readServerClock } from "./server/reader-clock.server.ts";
import { commitSession, getSession, newCsrfToken } from "./server/session.server.ts";
import { readTheme } from "./server/theme.server.ts";
import "./app.css";

/**
 * Every page gets the session's anti-forgery token for its forms (a visitor without one gets one),
 * the reader's clock its dates are shown in, and the reader's theme, so the server renders the page in
 * it and nothing flashes in the other.
 */
export async function loader({ request }: Route.LoaderArgs) {
  const [session, theme] = await Promise.all([getSession(request), readTheme(request)]);
  const clock = readServerClock(request, new Date());
  const existing = session.get("csrf");
  if (existing) return { csrf: existing, clock, theme };
  const csrf = newCsrfToken();
  session.set("csrf", csrf);
  return data({ csrf, clock, theme }, { headers: await commitSession(session, request) });
}

export function links() {
  return [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];
}

export function meta() {
  return [{ title: "Leash console" }, { name: "description", content: "Leash: actions proposed by agents, approved by people." }];
}

export function Layout({ children }: { children: ReactNode }) {
  // "system" sets no attribute: the stylesheet then follows the system's preference.
  const theme = useTheme();
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <script dangerouslySetInnerHTML={{ __html: TIME_ZONE_COOKIE_SCRIPT }} />
        <meta name="color-scheme" content={theme === "system" ? "light dark" : theme} />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

/** Marks the page as interactive: CSS shows script-only controls from then on, and browser tests wait for it. */
function useMarkHydrated() {
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
}

export default function App({ loaderData }: Route.ComponentProps) {
  useMarkHydrated();
  return (
    <ReaderClockProvider server={loaderData.clock}>
      <Outlet />
    </ReaderClockProvider>
  );
}

/** A thrown response's message: a plain string, or the `error` of a form result. */
function messageOf(body: unknown): string | null {
  if (typeof body === "string" && body) return body;
  if (typeof body === "object" && body !== null && "error" in body && typeof body.error === "string") {
    const fields = "fieldErrors" in body && typeof body.fieldErrors === "object" && body.fieldErrors !== null ? Object.entries(body.fieldErrors) : [];
    return [body.error, ...fields.map(([field, message]) => `${field}: ${String(message)}`)].join(" ");
  }
  return null;
}

export function ErrorBoundary({ error }: Route.ErrorBoundaryProps) {
  useMarkHydrated();
  let title = "Something went wrong";
  let details = "An unexpected error occurred. Try again in a moment.";
  if (isRouteErrorResponse(error)) {
    title = error.status === 404 ? "Not found" : error.status === 403 ? "Not allowed" : `Error ${error.status}`;
    // The router's own refusals (no route for the address, a method it does not take) carry a
    // developer's message ("Error: No route matches URL …"); only ours are written for people.
    const raisedByRouter = "internal" in error && error.internal === true;
    details = (raisedByRouter ? null : messageOf(error.data)) ?? (error.status === 404 ? "This page does not exist." : error.statusText || details);
  } else if (import.meta.env.DEV && error instanceof Error) {
    details = error.message;
  }
  return (
    <main className="error-page">
      <div className="error-card" role="alert">
        <p className="eyebrow">Leash console</p>
        <h1>{title}</h1>
        <p>{details}</p>
        <Link className="button" to="/">
          Back to the inbox
        </Link>
      </div>
    </main>
  );
}
