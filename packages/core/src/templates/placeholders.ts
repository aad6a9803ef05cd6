import type { JsonValue } from "../actions/json.ts";

/**
 * Template placeholders: `{{params.NAME}}` for a template parameter and `{{steps.N.result.FIELD}}`
 * (FIELD may go deeper: `a.b`) for the result of an earlier step of the same run. A string that is
 * exactly one placeholder takes the value with its type (a number stays a number); placeholders
 * inside longer text are replaced by the value as text.
 */
export type PlaceholderRef = { kind: "param"; name: string } | { kind: "step"; step: number; path: string[] };

const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{([^{}]*)\}\}$/;

export function parsePlaceholder(expression: string): PlaceholderRef | null {
  const trimmed = expression.trim();
  const param = /^params\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(trimmed);
  if (param?.[1]) return { kind: "param", name: param[1] };
  const step = /^steps\.(\d{1,3})\.result((?:\.[A-Za-z0-9_]+)+)$/.exec(trimmed);
  if (step?.[1] && step[2]) return { kind: "step", step: Number(step[1]), path: step[2].slice(1).split(".") };
  return null;
}

export interface FoundPlaceholder {
  /** Where the string holding it sits, from the step (e.g. `["parameters", "toId"]`). */
  path: (string | number)[];
  expression: string;
  ref: PlaceholderRef | null;
}

/** Every placeholder in a value, with the path of the string that holds it. */
export function findPlaceholders(value: JsonValue | undefined, path: (string | number)[] = []): FoundPlaceholder[] {
  if (typeof value === "string") {
    return [...value.matchAll(ANY_PLACEHOLDER)].map((match) => ({ path, expression: match[0], ref: parsePlaceholder(match[1] ?? "") }));
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => findPlaceholders(item, [...path, index]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, item]) => findPlaceholders(item, [...path, key]));
  }
  return [];
}

/**
 * What a placeholder stands for: a value (`undefined` for an optional parameter left out: the
 * field is dropped), or null to leave the placeholder as it is for now.
 */
export type Resolve = (ref: PlaceholderRef, expression: string) => { value: JsonValue | undefined } | null;

const asText = (value: JsonValue | undefined) => (value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value));

/** Replaces the placeholders `resolve` knows; the others stay as written. */
export function substitute(value: JsonValue, resolve: Resolve): JsonValue | undefined {
  if (typeof value === "string") {
    const whole = WHOLE_PLACEHOLDER.exec(value);
    if (whole) {
      const ref = parsePlaceholder(whole[1] ?? "");
      const resolved = ref ? resolve(ref, value) : null;
      return resolved ? resolved.value : value;
    }
    return value.replaceAll(ANY_PLACEHOLDER, (expression, inner: string) => {
      const ref = parsePlaceholder(inner);
      const resolved = ref ? resolve(ref, expression) : null;
      return resolved ? asText(resolved.value) : expression;
    });
  }
  if (Array.isArray(value)) {
    return value.map((item) => substitute(item, resolve)).filter((item): item is JsonValue => item !== undefined);
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => [key, substitute(item, resolve)] as const);
    return Object.fromEntries(entries.filter((entry): entry is readonly [string, JsonValue] => entry[1] !== undefined));
  }
  return value;
}

/** Follows `path` into a step's result; undefined when a part is missing. */
export function valueAt(value: JsonValue, path: readonly string[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const key of path) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}
