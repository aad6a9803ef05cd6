import fc from "fast-check";

/** `depth` levels of nested arrays or objects, built without recursion so that any depth can be made. */
export function nestedValue(depth: number, shape: "array" | "object"): unknown {
  let value: unknown = "bottom";
  for (let level = 0; level < depth; level += 1) value = shape === "array" ? [value] : { a: value };
  return value;
}

const unicodeHeavy = fc.string({ unit: "grapheme", minLength: 1, maxLength: 400 });

/** Strings past every field limit of the domain (the longest allows 4,000 characters), some of them multi-byte. */
const oversizedString = fc.tuple(fc.constantFrom("x", "🦜", "ß", "\u0000", "\u202e"), fc.integer({ min: 4_001, max: 40_000 })).map(([unit, count]) => unit.repeat(count));

/** Keys that break naive code: prototype names, empty, huge, control characters. */
const nastyKey = fc.constantFrom("__proto__", "constructor", "prototype", "", "k".repeat(10_000), "\u0000", "a.b", "$where", "toString");

/**
 * Text a Postgres column cannot hold, inside otherwise ordinary strings: NUL, and UTF-16 halves
 * without their other half (JSON can carry both, escaped).
 */
const unstorableCharacter = fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF");
export const unstorableString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ unit: "grapheme", maxLength: 40 }), unstorableCharacter, fc.nat())
  .map(([text, character, at]) => {
    const position = at % (text.length + 1);
    return `${text.slice(0, position)}${character}${text.slice(position)}`;
  })
  // A lone half placed next to a grapheme's own half can complete a pair: keep only what is really unstorable.
  .filter((text) => text.includes("\u0000") || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text));

/** Integers just past the bounds of a Postgres `integer` column (ids, cursors), and far past them. */
export const pastInt4 = fc.oneof(fc.constantFrom(2_147_483_648, 2_147_483_649, 4_294_967_296, -2_147_483_649), fc.integer({ min: 2_147_483_648, max: Number.MAX_SAFE_INTEGER }));

/**
 * The bounds of the integer columns and of what a JSON number carries exactly: `integer` (ids,
 * counts, seconds), the safe integers, `bigint` (webhook deliveries, audit events).
 */
const INTEGER_BOUNDS = [2n ** 31n - 1n, -(2n ** 31n), 2n ** 53n - 1n, -(2n ** 53n - 1n), 2n ** 63n - 1n, -(2n ** 63n)];

/** Each bound and the integer just past it, as exact decimal text: what a form field or a query parameter carries. */
const boundaryIntegerTexts: readonly string[] = INTEGER_BOUNDS.flatMap((bound) => [bound, bound < 0n ? bound - 1n : bound + 1n]).map(String);
export const boundaryIntegerText: fc.Arbitrary<string> = fc.constantFrom(...boundaryIntegerTexts);

/** The same integers as JSON numbers; past 2^53 a number is the nearest double, as a JSON parser reads the exact text. */
const boundaryInteger: fc.Arbitrary<number> = boundaryIntegerText.map(Number);

/** Instants at the edges of what ISO text names and a `timestamptz` column holds (Postgres has no year 0), and days that do not exist. */
export const edgeInstantText: fc.Arbitrary<string> = fc.constantFrom(
  "0000-01-01T00:00:00Z",
  "0000-12-31T23:59:59.999Z",
  "0001-01-01T00:00:00Z",
  "0001-01-01T00:30:00+01:00",
  "9999-12-31T23:59:59.999-14:00",
  "1970-01-01T00:00:00Z",
  "2026-02-29T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "0000-01-01",
  "9999-12-31",
);

/**
 * One UTF-16 unit or pair from anywhere in Unicode: every code point, NUL and lone surrogate halves
 * included, and more often the ones that break parsers, encoders and Postgres.
 */
const anyCodePoint = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 0x10_ffff }).map((point) => String.fromCodePoint(point)) },
  { weight: 1, arbitrary: fc.constantFrom("\u0000", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uFEFF", "\uFFFE", "\uFFFF", "\u202E", "\u0301", "\r\n", "%00", "&", "=", "+", "\\", '"', "'", "<") },
);

/** Strings drawn from all of Unicode (see `anyCodePoint`), which a Postgres text column may or may not hold. */
export const anyUnicodeString: fc.Arbitrary<string> = fc.string({ unit: anyCodePoint, minLength: 1, maxLength: 100 });

const deep = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom("array" as const, "object" as const)).map(([depth, shape]) => nestedValue(depth, shape));

/**
 * Any value a careless or hostile caller might send where a structured input is expected: wrongly typed
 * scalars, strings from all of Unicode and oversized ones, integers at and past the columns' bounds,
 * instants at the edge of time, deeply nested values and objects with prototype-polluting keys. Every
 * value survives `JSON.stringify`, so it can go over HTTP.
 */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, -(2 ** 53), 1e308, "", " ", "null", "0", "NaN", [], {}),
  fc.jsonValue({ maxDepth: 4, stringUnit: "grapheme" }),
  unicodeHeavy,
  fc.string({ unit: "binary", minLength: 1, maxLength: 100 }),
  anyUnicodeString,
  unstorableString,
  pastInt4,
  boundaryInteger,
  edgeInstantText,
  oversizedString,
  deep,
  fc.dictionary(nastyKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** Every leaf (string or number) of a small value, as the path to it. */
function leafPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string" || typeof value === "number") return [path];
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...path, Array.isArray(value) ? Number(key) : key]));
}

function valueAt(value: unknown, path: (string | number)[]): unknown {
  let inner = value;
  for (const part of path) inner = (inner as Record<string | number, unknown>)[part];
  return inner;
}

function withLeaf(value: unknown, path: (string | number)[], leaf: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return leaf;
  if (Array.isArray(value)) return (value as unknown[]).map((child, index) => (index === head ? withLeaf(child, rest, leaf) : child));
  const record = value as Record<string, unknown>;
  return { ...record, [head]: withLeaf(record[head], rest, leaf) };
}

/**
 * A valid input with one leaf, however deep (a proposal's parameters, a list's filter), made
 * unstorable while keeping its type: a string gets NUL or a lone surrogate, a number goes past int4.
 */
function unstorableLeaf(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = leafPaths(valid);
  if (!paths.length) return fc.constant(valid);
  return fc.tuple(fc.constantFrom(...paths), unstorableString, pastInt4).map(([path, text, integer]) => withLeaf(valid, path, typeof valueAt(valid, path) === "string" ? text : integer));
}

/**
 * A valid input with one leaf, however deep, at an edge while keeping its type: a date or instant at
 * the edge of time, another string drawn from all of Unicode, a number at or just past an integer
 * column's bound. It may still be valid.
 */
function edgeLeaf(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = leafPaths(valid);
  if (!paths.length) return fc.constant(valid);
  return fc.tuple(fc.constantFrom(...paths), anyUnicodeString, edgeInstantText, boundaryInteger).map(([path, text, instant, integer]) => {
    const leaf = valueAt(valid, path);
    return withLeaf(valid, path, typeof leaf !== "string" ? integer : /^\d{4}-\d{2}-\d{2}/.test(leaf) ? instant : text);
  });
}

/** A valid input with one part spoiled: a field replaced by junk, dropped, an unknown field added, or a leaf made unstorable or pushed to an edge. */
function spoiledInput(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const replaced = keys.length ? fc.tuple(fc.constantFrom(...keys), junkValue).map(([key, junk]) => ({ ...valid, [key]: junk })) : junkValue;
  const dropped = keys.length ? fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([name]) => name !== key))) : junkValue;
  const extra = fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !keys.includes(key)), junkValue).map(([key, junk]) => ({ ...valid, [key]: junk }));
  return fc.oneof(replaced, dropped, extra, unstorableLeaf(valid), edgeLeaf(valid));
}

/** Every object inside a value (the value itself first), as the path to it. */
function objectPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  const children = Object.entries(value).flatMap(([key, child]) => objectPaths(child, [...path, Array.isArray(value) ? Number(key) : key]));
  return Array.isArray(value) ? children : [path, ...children];
}

/** A valid input spoiled at any depth: one of its objects (a proposal's step, a payload's action) spoiled as `spoiledInput` spoils the whole. */
export function spoiledAnywhere(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  return fc.constantFrom(...objectPaths(valid)).chain((path) => spoiledInput(valueAt(valid, path) as Record<string, unknown>).map((spoiled) => withLeaf(valid, path, spoiled)));
}

function parsedObject(text: string): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * A valid input with a string leaf that holds a JSON object (a Slack button's value, a modal's
 * metadata) spoiled inside and written back as text; null when no leaf holds one.
 */
export function spoiledEmbeddedJson(valid: Record<string, unknown>): fc.Arbitrary<unknown> | null {
  const embedded = leafPaths(valid).flatMap((path) => {
    const leaf = valueAt(valid, path);
    const parsed = typeof leaf === "string" ? parsedObject(leaf) : null;
    return parsed ? [{ path, parsed }] : [];
  });
  if (!embedded.length) return null;
  return fc.constantFrom(...embedded).chain(({ path, parsed }) => spoiledAnywhere(parsed).map((spoiled) => withLeaf(valid, path, toJsonText(spoiled))));
}

/** Whole-input junk or a valid input spoiled at any depth, about half each. */
export function badInput(valid: Record<string, unknown> | null): fc.Arbitrary<unknown> {
  return valid ? fc.oneof(junkValue, spoiledAnywhere(valid)) : junkValue;
}

/** A piece of JSON syntax waiting on the stack of `toJsonText`. */
class Token {
  constructor(readonly text: string) {}
}

/**
 * JSON text of a value, written without recursion: `JSON.stringify` overflows the stack on the deeply
 * nested values above, and a test must be able to send what a hostile client can.
 */
export function toJsonText(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const next = stack.pop();
    if (next instanceof Token) {
      out.push(next.text);
    } else if (Array.isArray(next)) {
      out.push("[");
      stack.push(new Token("]"));
      for (let index = next.length - 1; index >= 0; index -= 1) stack.push(next[index], ...(index > 0 ? [new Token(",")] : []));
    } else if (typeof next === "object" && next !== null) {
      out.push("{");
      stack.push(new Token("}"));
      const entries: [string, unknown][] = Object.entries(next);
      entries.reverse().forEach(([key, item], reversed) => {
        stack.push(item, new Token(`${JSON.stringify(key)}:`), ...(reversed < entries.length - 1 ? [new Token(",")] : []));
      });
    } else {
      // undefined (and functions) have no JSON text; JSON.stringify writes them as null inside arrays.
      out.push(next === undefined ? "null" : JSON.stringify(next));
    }
  }
  return out.join("");
}

/** What an answer must never quote: where the code lives, how it failed, and what the database said. */
const INTERNALS: [string, RegExp][] = [
  ["a file path", /\/work\/|\/home\/|\/root\/|node_modules|file:\/\//],
  ["a source position", /\.[cm]?[jt]sx?:\d+/],
  ["a stack line", /\bat [^\s()]+ \([^()]*:\d+:\d+\)|\bat \/[^\s:]+:\d+:\d+/],
  ["Prisma", /prisma/i],
  [
    "SQL",
    /\bSELECT\b[\s\S]{1,200}?\bFROM\s|\bINSERT INTO\s|\bUPDATE\s+"?\w+"?\s+SET\s|\bDELETE FROM\s|syntax error at or near|violates \S+ constraint|duplicate key value|relation "|invalid byte sequence|out of range for type|unsupported Unicode escape/,
  ],
  ["a connection error", /ECONNREFUSED|ECONNRESET|ETIMEDOUT/],
];

/** The host:port and database name of each service URL (Postgres, Redis), which no answer may quote either. */
export function serviceAddresses(...urls: string[]): string[] {
  return urls.flatMap((text) => {
    const url = new URL(text);
    // Redis numbers its databases: a digit is no name to look for.
    const database = url.pathname.replace(/^\//, "");
    return [url.host, ...(url.hostname === "127.0.0.1" ? [`localhost:${url.port}`] : []), ...(/^\d*$/.test(database) ? [] : [database])];
  });
}

/** What of the inside an answer quotes (file paths, stack lines, Prisma, SQL, `addresses`), by name; empty when nothing. */
export function quotedInternals(answer: string, addresses: readonly string[] = []): string[] {
  return [...INTERNALS.filter(([, pattern]) => pattern.test(answer)).map(([name]) => name), ...addresses.filter((address) => answer.includes(address))];
}
