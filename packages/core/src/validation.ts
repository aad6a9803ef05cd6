import type { z } from "zod";

import { CoreError } from "./errors.ts";

/** Parses input at a core boundary; a failure is an INVALID CoreError carrying every zod issue. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.filter((part): part is string | number => typeof part !== "symbol"),
    message: issue.message,
  }));
  const first = issues[0];
  const summary = first ? `${first.path.join(".") || what}: ${first.message}` : "invalid input";
  throw new CoreError("INVALID", `Invalid ${what}: ${summary}`, { issues });
}
