import type { z } from "zod";

import { hasUnsafeText, jsonHasUnsafeText, toStorableText, withoutControlCharacters } from "./safe-text.ts";

export type ConnectorJson = z.core.util.JSONType;

/** Deeper answers are kept as text: the result is stored as jsonb and walked by code that recurses. */
const MAX_PARSED_DEPTH = 32;

function deeperThan(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next || typeof next.value !== "object" || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

const isJsonType = (contentType: string | undefined) => contentType !== undefined && /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);

/**
 * The answer's body as recorded: parsed JSON when it says it is JSON and parses whole, otherwise
 * text. Either way it is storable in Postgres (no NUL, no lone surrogates: those answers are kept
 * as text with the offending characters replaced).
 */
export function decodeResponseBody(bytes: Buffer, { contentType, truncated }: { contentType: string | undefined; truncated: boolean }): ConnectorJson {
  const text = new TextDecoder().decode(bytes);
  if (!truncated && isJsonType(contentType)) {
    try {
      const parsed = JSON.parse(text) as ConnectorJson;
      if (!deeperThan(parsed, MAX_PARSED_DEPTH) && !jsonHasUnsafeText(parsed)) return parsed;
    } catch {
      // Not JSON after all: kept as text below.
    }
  }
  return hasUnsafeText(text) ? toStorableText(text) : text;
}

/** At most `max` characters of the body on one line, for an error message a person reads. */
export function bodyExcerpt(body: ConnectorJson, max = 200): string {
  const text = withoutControlCharacters(typeof body === "string" ? body : JSON.stringify(body)).replace(/\s+/g, " ").trim();
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
