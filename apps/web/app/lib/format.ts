import type { BoundedCount } from "@leash/core";

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

/** An enum-like value as people read it: `at_risk` -> "At risk", `delete_item` -> "Delete item". */
export function humanLabel(value: string): string {
  return capitalize(humanize(value));
}

/** A value of an item's field: an enum-like `at_risk` reads "at risk"; anything else (names, text, dates) as it is. */
export function humanValue(value: string): string {
  return /^[a-z]+(?:_[a-z]+)+$/.test(value) ? humanize(value) : value;
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

/** Cuts long text with an ellipsis. */
export function truncateText(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`;
}
