import { formatDate, type ReaderClock } from "./local-dates.ts";

/** Figures of the metrics page as people read them; "no data" where there is nothing to compute from. */

export const NO_DATA = "no data";

export function formatRate(value: number | null): string {
  return value === null ? NO_DATA : `${(value * 100).toFixed(1)}%`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return NO_DATA;
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** How a figure moved since the window before: "+2.1 pts", "−350 ms", or nothing to compare. */
export function formatChange(change: number | null, kind: "rate" | "duration"): string {
  if (change === null) return "nothing to compare with";
  const sign = change > 0 ? "+" : change < 0 ? "−" : "±";
  const size = Math.abs(change);
  return kind === "rate" ? `${sign}${(size * 100).toFixed(1)} pts` : `${sign}${formatDuration(size)}`;
}

/**
 * A bucket's start. Hours read in the reader's zone and locale; days are the UTC days core counts
 * (midnight to midnight UTC), so they are named as such, in the reader's locale.
 */
export function formatBucket(iso: string, bucket: "hour" | "day", clock: ReaderClock): string {
  if (bucket === "hour") return formatDate(iso, "short", clock);
  return new Intl.DateTimeFormat(clock.locale, { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" }).format(new Date(iso));
}

/** A chart's time axis tick: the hour in the day window (reader's zone), the UTC day in the others. */
export function formatTick(seconds: number, bucket: "hour" | "day", clock: ReaderClock): string {
  const options: Intl.DateTimeFormatOptions =
    bucket === "hour" ? { timeZone: clock.timeZone, hour: "numeric", minute: "2-digit" } : { timeZone: "UTC", day: "numeric", month: "short" };
  return new Intl.DateTimeFormat(clock.locale, options).format(new Date(seconds * 1000));
}
