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

/** Integers at and just past the bounds of a Postgres `integer` column (ids, cursors), and far past them. */
export const pastInt4 = fc.oneof(fc.constantFrom(2_147_483_647, 2_147_483_648, 2_147_483_649, 4_294_967_296, -2_147_483_649), fc.integer({ min: 2_147_483_648, max: Number.MAX_SAFE_INTEGER }));

const deep = fc.tuple(fc.integer({ min: 50, max: 20_000 }), fc.constantFrom("array" as const, "object" as const)).map(([depth, shape]) => nestedValue(depth, shape));

/**
 * Any value a careless or hostile caller might send where a structured input is expected: wrongly typed
 * scalars, unicode-heavy and oversized strings, huge numbers, deeply nested values and objects with
 * prototype-polluting keys. Every value survives `JSON.stringify`, so it can go over HTTP.
 */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, -(2 ** 53), 1e308, "", " ", "null", "0", "NaN", [], {}),
  fc.jsonValue({ maxDepth: 4, stringUnit: "grapheme" }),
  unicodeHeavy,
  // Every code point, lone surrogates and NUL included.
  fc.string({ unit: "binary", minLength: 1, maxLength: 100 }),
  unstorableString,
  pastInt4,
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
export function unstorableLeaf(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = leafPaths(valid);
  if (!paths.length) return fc.constant(valid);
  return fc.tuple(fc.constantFrom(...paths), unstorableString, pastInt4).map(([path, text, integer]) => {
    let leaf: unknown = valid;
    for (const part of path) leaf = (leaf as Record<string | number, unknown>)[part];
    return withLeaf(valid, path, typeof leaf === "string" ? text : integer);
  });
}

/** A valid input with one part spoiled: a field replaced by junk, dropped, an unknown field added, or a leaf made unstorable. */
export function spoiledInput(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const replaced = keys.length ? fc.tuple(fc.constantFrom(...keys), junkValue).map(([key, junk]) => ({ ...valid, [key]: junk })) : junkValue;
  const dropped = keys.length ? fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([name]) => name !== key))) : junkValue;
  const extra = fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !keys.includes(key)), junkValue).map(([key, junk]) => ({ ...valid, [key]: junk }));
  return fc.oneof(replaced, dropped, extra, unstorableLeaf(valid));
}

/** Whole-input junk or a spoiled valid input, about half each. */
export function badInput(valid: Record<string, unknown> | null): fc.Arbitrary<unknown> {
  return valid ? fc.oneof(junkValue, spoiledInput(valid)) : junkValue;
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
