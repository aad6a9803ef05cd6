import { listActionsInputSchema } from "@leash/core";

import { parseForm } from "./form.server.ts";

/** The history filters as they appear in the URL, so a filtered view can be bookmarked, reloaded and exported. */
export const historyParams = ["type", "status", "target", "actor", "from", "to"] as const;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day picked in the form as the instant it starts (UTC); anything else goes to core as typed, to be refused there. */
function startOfDay(day: string | undefined, offsetDays = 0): string | undefined {
  if (day === undefined || !DAY.test(day)) return day;
  const date = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime())) return day;
  date.setUTCDate(date.getUTCDate() + offsetDays);
  return date.toISOString();
}

/** The URL's filters under core's names (the "to" day is included: the start of the next day is the exclusive bound). */
function coreFilters(params: URLSearchParams): Record<string, string> {
  const value = (name: (typeof historyParams)[number]) => params.get(name)?.trim() || undefined;
  const filters = {
    actionType: value("type"),
    status: value("status"),
    targetType: value("target"),
    actor: value("actor"),
    from: startOfDay(value("from")),
    to: startOfDay(value("to"), 1),
  };
  return Object.fromEntries(Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** The URL's filters and cursor as core's list input. */
export function historyFilters(params: URLSearchParams) {
  const cursor = params.get("cursor");
  return parseForm(listActionsInputSchema, { ...coreFilters(params), ...(cursor ? { cursor: Number(cursor) } : {}) });
}

/** The same filters as the query core's export reads, so an export holds exactly the rows the table shows. */
export function exportQuery(params: URLSearchParams): URLSearchParams {
  return new URLSearchParams({ format: params.get("format") ?? "", ...coreFilters(params) });
}
