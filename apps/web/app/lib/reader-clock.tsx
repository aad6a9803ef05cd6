import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { FALLBACK_LOCALE, isTimeZone, type ReaderClock } from "./local-dates.ts";

/** What the server knew of the reader when it rendered: the zone from the `tz` cookie (null before the browser set it), the locale from Accept-Language, its clock. */
export interface ServerClock {
  timeZone: string | null;
  locale: string;
  now: string;
}

/** The cookie the browser keeps its time zone in, so that the server renders dates as the browser would. */
export const TIME_ZONE_COOKIE = "tz";

/** Runs before the page renders, on every load, so a reader who travelled gets their new zone from the next page on. */
export const TIME_ZONE_COOKIE_SCRIPT = `try{document.cookie="${TIME_ZONE_COOKIE}="+encodeURIComponent(Intl.DateTimeFormat().resolvedOptions().timeZone)+"; path=/; max-age=31536000; samesite=lax"}catch(e){}`;

/** How often relative times ("2 minutes ago") move on while a page stays open. */
const TICK_MS = 30_000;

const ReaderClockContext = createContext<ReaderClock>({ timeZone: "UTC", locale: FALLBACK_LOCALE, now: 0 });

function browserTimeZone(): string | null {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return zone && isTimeZone(zone) ? zone : null;
}

/**
 * Server render and hydration both use what the server knew (UTC until the cookie exists), so they
 * print the same text; after hydration the browser's own zone and clock take over.
 */
export function ReaderClockProvider({ server, children }: { server: ServerClock; children: ReactNode }) {
  const [browser, setBrowser] = useState<{ timeZone: string | null; now: number } | null>(null);
  useEffect(() => {
    const read = () => setBrowser({ timeZone: browserTimeZone(), now: Date.now() });
    read();
    const timer = window.setInterval(read, TICK_MS);
    return () => window.clearInterval(timer);
  }, []);
  const clock = useMemo<ReaderClock>(
    () => ({
      locale: server.locale,
      timeZone: browser?.timeZone ?? server.timeZone ?? "UTC",
      now: browser?.now ?? Date.parse(server.now),
    }),
    [browser, server.locale, server.timeZone, server.now],
  );
  return <ReaderClockContext value={clock}>{children}</ReaderClockContext>;
}

export function useReaderClock(): ReaderClock {
  return useContext(ReaderClockContext);
}
