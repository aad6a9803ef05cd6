import { z } from "zod";

/**
 * What Postgres columns can hold, checked where input enters so that a caller hears which field is
 * wrong (a 400) instead of the database refusing the write (a 500).
 *
 * Text: NUL, which Postgres refuses in text and jsonb, and UTF-16 halves without their other half,
 * which are not text at all (UTF-8 cannot encode them; JSON parsers disagree about them).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const NUL = String.fromCharCode(0);

/** The largest value of a Postgres `integer` (int4) column: every serial id, a list's cursor. */
export const MAX_INT4 = 2_147_483_647;

/** A positive id of an `integer` column. */
export const int4IdSchema = z.int().positive().max(MAX_INT4);

/**
 * An instant as ISO text with an offset, as far as a `timestamptz` column holds it: ISO text can name
 * year 0 ("0000-01-01T00:00:00Z"), which Postgres does not have.
 */
export const storableTimestampSchema = z.iso.datetime({ offset: true }).refine((text) => Date.parse(text) >= Date.parse("0001-01-01T00:00:00Z"), "must not be before the year 1");

export const unsafeTextMessage = "must not contain NUL characters or lone UTF-16 surrogates";

export function hasUnsafeText(text: string): boolean {
  return text.includes(NUL) || LONE_SURROGATE.test(text);
}

/** A string schema that refuses what Postgres or UTF-8 cannot hold; other checks go on `schema` (it stays a ZodString). */
export function safeText<S extends z.ZodString>(schema: S): S {
  return schema.refine((text) => !hasUnsafeText(text), unsafeTextMessage);
}

/**
 * Where in a JSON value the first string (key or value) holding unsafe text is, as a path; null when
 * there is none. A walk without recursion: the value may nest deeper than the stack allows.
 */
export function unsafeTextPath(value: unknown): (string | number)[] | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (typeof next.value === "string") {
      if (hasUnsafeText(next.value)) return next.path;
      continue;
    }
    if (typeof next.value !== "object" || next.value === null) continue;
    const isArray = Array.isArray(next.value);
    for (const [key, child] of Object.entries(next.value)) {
      const path = [...next.path, isArray ? Number(key) : key];
      if (hasUnsafeText(key)) return path;
      stack.push({ value: child, path });
    }
  }
  return null;
}

/** Whether any string (key or value) of a JSON value holds unsafe text. */
export function jsonHasUnsafeText(value: unknown): boolean {
  return unsafeTextPath(value) !== null;
}

/** What another service sent, made storable: NUL and lone surrogates become U+FFFD. */
export function toStorableText(text: string): string {
  return text.replaceAll(NUL, "\uFFFD").replace(LONE_SURROGATES, "\uFFFD");
}
