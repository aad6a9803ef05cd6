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
  oversizedString,
  deep,
  fc.dictionary(nastyKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** A valid input with one part spoiled: a field replaced by junk, dropped, or an unknown field added. */
export function spoiledInput(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const replaced = keys.length ? fc.tuple(fc.constantFrom(...keys), junkValue).map(([key, junk]) => ({ ...valid, [key]: junk })) : junkValue;
  const dropped = keys.length ? fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(valid).filter(([name]) => name !== key))) : junkValue;
  const extra = fc.tuple(fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !keys.includes(key)), junkValue).map(([key, junk]) => ({ ...valid, [key]: junk }));
  return fc.oneof(replaced, dropped, extra);
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
