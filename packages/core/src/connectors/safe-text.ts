import type { z } from "zod";

/**
 * NUL, which Postgres refuses in text and jsonb, and UTF-16 halves without their other half, which
 * are not text at all (UTF-8 cannot encode them; JSON parsers disagree about them).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const NUL = String.fromCharCode(0);

export const unsafeTextMessage = "must not contain NUL characters or lone UTF-16 surrogates";

export function hasUnsafeText(text: string): boolean {
  return text.includes(NUL) || LONE_SURROGATE.test(text);
}

/** Whether `text` holds a C0 control character or DEL (and, with `orSpace`, a space). */
export function hasControlCharacter(text: string, { orSpace = false }: { orSpace?: boolean } = {}): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f || (orSpace && code === 0x20)) return true;
  }
  return false;
}

/** `text` with every C0 control character and DEL replaced by a space. */
export function withoutControlCharacters(text: string): string {
  return Array.from(text, (character) => (hasControlCharacter(character) ? " " : character)).join("");
}

/** A string schema that refuses what Postgres or UTF-8 cannot hold; other checks go on `schema`. */
export function safeText<S extends z.ZodString>(schema: S) {
  return schema.refine((text) => !hasUnsafeText(text), unsafeTextMessage);
}

/** Whether any string (key or value) of a JSON value holds unsafe text; a walk without recursion. */
export function jsonHasUnsafeText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === "string" && hasUnsafeText(next)) return true;
    if (typeof next !== "object" || next === null) continue;
    for (const [key, child] of Object.entries(next)) {
      if (hasUnsafeText(key)) return true;
      stack.push(child);
    }
  }
  return false;
}

/** What another service sent, made storable: NUL and lone surrogates become U+FFFD. */
export function toStorableText(text: string): string {
  return text.replaceAll(NUL, "\uFFFD").replace(LONE_SURROGATES, "\uFFFD");
}
