import type { z } from "zod";

import { nestsDeeperThan } from "../actions/json-walk.ts";
import { hasUnsafeText, jsonHasUnsafeText, toStorableText } from "../actions/storable.ts";
import { withoutControlCharacters } from "./safe-text.ts";

export type ConnectorJson = z.core.util.JSONType;

/** Deeper answers are kept as text: the result is stored as jsonb and walked by code that recurses. */
const MAX_PARSED_DEPTH = 32;

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
      if (!nestsDeeperThan(parsed, MAX_PARSED_DEPTH) && !jsonHasUnsafeText(parsed)) return parsed;
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
