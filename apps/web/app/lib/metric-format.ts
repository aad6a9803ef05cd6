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

const hour = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const day = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", day: "numeric", month: "short" });

/** A bucket's start, in UTC like the rest of the console (server and browser print the same). */
export function formatBucket(iso: string, bucket: "hour" | "day"): string {
  return (bucket === "hour" ? hour : day).format(new Date(iso));
}

const tickHour = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const tickDay = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", day: "numeric", month: "short" });

/** A chart's time axis tick: the hour in the day window, the day in the others (UTC). */
export function formatTick(seconds: number, bucket: "hour" | "day"): string {
  return (bucket === "hour" ? tickHour : tickDay).format(new Date(seconds * 1000));
}
