import type { TargetType } from "@leash/db";

import type { JsonObject, JsonValue } from "../actions/json.ts";

/** The item facts a person needs to read an action: what it is called and what it holds now. */
export interface ItemFacts {
  id: number;
  kind: TargetType;
  title: string;
  data: JsonObject;
  deleted: boolean;
}

export interface ChangeLine {
  field: string;
  before: string | null;
  after: string | null;
}

const MAX_VALUE_LENGTH = 120;

/** Cuts long values with an ellipsis; the full action is in the console. */
export function truncate(value: string, max = MAX_VALUE_LENGTH): string {
  const graphemes = Array.from(new Intl.Segmenter().segment(value), (part) => part.segment);
  return graphemes.length <= max ? value : `${graphemes.slice(0, max - 1).join("")}…`;
}

/** A value as a short text, whatever JSON it holds; null for nothing. */
export function showValue(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  return truncate(typeof value === "string" ? value : JSON.stringify(value));
}

/** A parameter as text, `?` when it is missing. */
export const showParameter = (value: JsonValue | undefined, max = MAX_VALUE_LENGTH) => truncate(showValue(value) ?? "?", max);

/** `dueDate` and `due_date` read as `due date`. */
export const humanField = (field: string) => field.replaceAll(/([a-z])([A-Z])/g, "$1 $2").replaceAll("_", " ").toLowerCase();

/** A title in quotes, cut to fit a headline; empty when there is none. */
export const quoted = (title: string | null | undefined) => (title ? `"${truncate(title, 80)}"` : "");
