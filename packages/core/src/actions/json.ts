import { z } from "zod";

import { nestsDeeperThan } from "./json-walk.ts";
import { unsafeTextMessage, unsafeTextPath } from "./storable.ts";

/** Values that survive a round trip through a jsonb column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Any JSON value, for output schemas and stored documents. */
export const jsonValueSchema = z.json();
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);

/** Upper bound on an action's serialised parameters; documented in the README. */
export const MAX_PARAMETERS_BYTES = 16 * 1024;

/**
 * How deep parameters may nest (an object is one level): real ones use three (parameters, data, a
 * field). Zod's JSON schema and `JSON.stringify` recurse, and a value a few thousand levels deep
 * would overflow the stack, so the depth is checked first, by a walk that does not recurse.
 */
export const MAX_JSON_DEPTH = 10;

export const tooDeepMessage = `must not nest more than ${MAX_JSON_DEPTH} levels deep`;

export function nestsTooDeep(value: unknown): boolean {
  return nestsDeeperThan(value, MAX_JSON_DEPTH);
}

/** An object of JSON values a jsonb column can hold, refused before any recursive check when it nests too deep. */
export const boundedJsonObjectSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, context) => {
    // `continue: false`: the checks of the enclosing schemas (a template's placeholder scan) recurse too, so they must not run.
    if (nestsTooDeep(value)) {
      context.addIssue({ code: "custom", message: tooDeepMessage, continue: false });
      return;
    }
    const unsafe = unsafeTextPath(value);
    if (unsafe) context.addIssue({ code: "custom", path: unsafe, message: unsafeTextMessage, continue: false });
  })
  .pipe(jsonObjectSchema);

export function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}
