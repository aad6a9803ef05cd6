import { z } from "zod";

/** Values that survive a round trip through a jsonb column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Any JSON value, for output schemas and stored documents. */
export const jsonValueSchema = z.json();
export const jsonObjectSchema = z.record(z.string(), jsonValueSchema);

/** Upper bound on an action's serialised parameters; documented in the README. */
export const MAX_PARAMETERS_BYTES = 16 * 1024;

export function jsonSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), "utf8");
}
