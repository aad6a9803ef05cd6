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

// One segmenter for every call: building one costs far more than using it, and a full inbox cuts
// every headline, change and detail of 500 actions.
const graphemes = new Intl.Segmenter();

/** Cuts long values with an ellipsis (never inside a grapheme); the full action is in the console. */
export function truncate(value: string, max = MAX_VALUE_LENGTH): string {
  // A string never has more graphemes than UTF-16 code units: a short one needs no segmenting.
  if (value.length <= max) return value;
  let kept = "";
  let count = 0;
  for (const { segment } of graphemes.segment(value)) {
    count += 1;
    if (count > max) return `${kept}…`;
    if (count < max) kept += segment;
  }
  return value;
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
