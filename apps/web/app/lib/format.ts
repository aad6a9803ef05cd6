import type { BoundedCount } from "@leash/core";

/**
 * Dates are shown in UTC with a fixed format, so the server's first render and the browser's
 * hydration print exactly the same text.
 */
const dateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

const shortDateTime = new Intl.DateTimeFormat("en-GB", {
  timeZone: "UTC",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

export function formatDateTime(iso: string): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}

export function formatShortDateTime(iso: string): string {
  return shortDateTime.format(new Date(iso));
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "2 minutes ago", measured against the `now` the loader read, so server and browser agree. */
export function timeAgo(iso: string, now: string): string {
  const seconds = Math.round((new Date(now).getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return "just now";
  for (const [unit, size] of units) {
    if (seconds >= size) return relative.format(-Math.floor(seconds / size), unit);
  }
  return relative.format(-1, "minute");
}

/** `at_risk` -> `at risk`, `dueDate` -> `due date`. */
export function humanize(value: string): string {
  return value
    .replaceAll(/([a-z])([A-Z])/g, "$1 $2")
    .replaceAll("_", " ")
    .toLowerCase();
}

export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

const wholeNumber = new Intl.NumberFormat("en-GB");

/** A count that stopped at core's cap reads "1,000+": there are at least that many. */
export function formatCount(counted: BoundedCount): string {
  return `${wholeNumber.format(counted.count)}${counted.capped ? "+" : ""}`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

const time = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

export function formatTime(iso: string): string {
  return `${time.format(new Date(iso))} UTC`;
}

/** Cuts long text with an ellipsis. */
export function truncateText(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
