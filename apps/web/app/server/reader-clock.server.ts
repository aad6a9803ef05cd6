import { isTimeZone, localeFrom } from "../lib/local-dates.ts";
import { TIME_ZONE_COOKIE, type ServerClock } from "../lib/reader-clock.tsx";

function cookieValue(header: string | null, name: string): string | null {
  for (const pair of (header ?? "").split(";")) {
    const [key, ...rest] = pair.trim().split("=");
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join("="));
    } catch {
      return null;
    }
  }
  return null;
}

/** The reader's zone (from the cookie the page's script sets; a value the runtime does not know is ignored) and locale, as of now. */
export function readServerClock(request: Request, now: Date): ServerClock {
  const zone = cookieValue(request.headers.get("Cookie"), TIME_ZONE_COOKIE);
  return {
    timeZone: zone && zone.length <= 64 && isTimeZone(zone) ? zone : null,
    locale: localeFrom(request.headers.get("Accept-Language")),
    now: now.toISOString(),
  };
}
