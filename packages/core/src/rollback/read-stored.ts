import type { z } from "zod";

import { CoreError } from "../errors.ts";

/** Reads what an executed action stored (its result or rollbackData) in the shape its undo relies on. */
export function readStored<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CoreError("INVALID", `The stored ${what} is not what a rollback expects; it cannot be undone`);
  return parsed.data;
}
