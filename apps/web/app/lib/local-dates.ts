/** Where and when the reader is: their time zone, their locale, and the moment relative times are measured from. */
export interface ReaderClock {
  timeZone: string;
  locale: string;
  /** Milliseconds since the epoch. */
  now: number;
}

/** `relative`: "2 minutes ago", "in 3 hours" (a date beyond a week); `date-time`: "5 Dec 2026, 14:03"; `short`: "5 Dec, 14:03"; `time`: "14:03:12". */
export type DateStyle = "relative" | "date-time" | "short" | "time";

export const FALLBACK_LOCALE = "en-GB";

const fields: Record<Exclude<DateStyle, "relative"> | "full", Intl.DateTimeFormatOptions> = {
  "date-time": { day: "numeric", month: "short", year: "numeric", hour: "numeric", minute: "2-digit" },
  short: { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" },
  time: { hour: "numeric", minute: "2-digit", second: "2-digit" },
  full: { weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "numeric", minute: "2-digit", second: "2-digit", timeZoneName: "short" },
};

// Building a formatter costs far more than using one, and a page formats hundreds of dates in a few zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(style: keyof typeof fields, clock: ReaderClock): Intl.DateTimeFormat {
  const key = `${style}|${clock.locale}|${clock.timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(clock.locale, { ...fields[style], timeZone: clock.timeZone });
    formatters.set(key, found);
  }
  return found;
}

// Node's ICU and the browser's may differ on the space before "PM" (narrow no-break or plain): one space for both keeps hydration quiet.
const plainSpaces = (text: string) => text.replaceAll(/[\u202f\u00a0]/g, " ");

/** The full date and time in the reader's zone, named: "Sat, 5 Dec 2026, 14:03:12 GMT+1" (for titles). */
export function fullDate(iso: string, clock: ReaderClock): string {
  return plainSpaces(formatter("full", clock).format(new Date(iso)));
}

const relativeUnits: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];
const WEEK_SECONDS = 7 * 86_400;

// The same holds for relative formatters: a full inbox formats one relative time per row.
const relativeFormatters = new Map<string, Intl.RelativeTimeFormat>();

function relativeFormatter(locale: string, numeric: "always" | "auto"): Intl.RelativeTimeFormat {
  const key = `${locale}|${numeric}`;
  let found = relativeFormatters.get(key);
  if (!found) {
    found = new Intl.RelativeTimeFormat(locale, { numeric });
    relativeFormatters.set(key, found);
  }
  return found;
}

/** "2 minutes ago", "in 3 hours", measured against the reader's clock; beyond a week the date itself says more. */
function relativeDate(iso: string, clock: ReaderClock): string {
  const seconds = Math.round((new Date(iso).getTime() - clock.now) / 1000);
  const distance = Math.abs(seconds);
  if (distance >= WEEK_SECONDS) return formatDate(iso, "date-time", clock);
  if (distance < 45) return seconds <= 0 ? "just now" : relativeFormatter(clock.locale, "always").format(seconds, "second");
  const [unit, size] = relativeUnits.find(([, unitSeconds]) => distance >= unitSeconds) ?? ["minute", 60];
  return relativeFormatter(clock.locale, "auto").format(Math.sign(seconds) * Math.max(1, Math.round(distance / size)), unit);
}

export function formatDate(iso: string, style: DateStyle, clock: ReaderClock): string {
  if (style === "relative") return relativeDate(iso, clock);
  return plainSpaces(formatter(style, clock).format(new Date(iso)));
}

/** Whether the runtime knows `timeZone` (an IANA name such as "Europe/Paris"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The first language of an Accept-Language header that the runtime can format dates in, or the console's default. */
export function localeFrom(acceptLanguage: string | null): string {
  for (const part of (acceptLanguage ?? "").split(",")) {
    const tag = part.split(";")[0]?.trim();
    if (!tag || tag === "*") continue;
    try {
      const [canonical] = Intl.getCanonicalLocales(tag);
      if (canonical && Intl.DateTimeFormat.supportedLocalesOf(canonical).length > 0) return canonical;
    } catch {
      // Not a language tag: try the next one.
    }
  }
  return FALLBACK_LOCALE;
}

/**
 * Dates inside sentences: core writes them as `2026-12-05 14:03 UTC` (or, in older records, ISO
 * timestamps). Splits `text` into plain parts and dates, each date as an ISO string.
 */
export function splitDates(text: string): ({ text: string } | { date: string })[] {
  const parts: ({ text: string } | { date: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(/(\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC|\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z/g)) {
    const date = match[1] && match[2] ? `${match[1]}T${match[2]}:00Z` : match[0];
    if (Number.isNaN(Date.parse(date))) continue;
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    parts.push({ date });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
