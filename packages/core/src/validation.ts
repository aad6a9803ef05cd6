import type { z } from "zod";

import { CoreError, type InvalidIssue } from "./errors.ts";
import { issueWording } from "./issue-wording.ts";

/** Zod quotes unknown keys and values in its messages: a caller never gets more than this much of its own input back. */
const MAX_ISSUE_MESSAGE_LENGTH = 200;

/** Zod's issues as every medium reports them: the path, and a message in plain words of bounded length. */
export function inputIssues(issues: readonly z.core.$ZodIssue[]): InvalidIssue[] {
  return issues.map((issue) => ({
    path: issue.path.filter((part): part is string | number => typeof part !== "symbol").map((part) => (typeof part === "string" ? clip(part) : part)),
    message: clip(issueWording(issue)),
  }));
}

function clip(text: string): string {
  return text.length > MAX_ISSUE_MESSAGE_LENGTH ? `${text.slice(0, MAX_ISSUE_MESSAGE_LENGTH - 1)}…` : text;
}

/** Parses input at a core boundary; a failure is an INVALID CoreError carrying every zod issue. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = inputIssues(parsed.error.issues);
  const first = issues[0];
  const summary = first ? `${first.path.join(".") || what}: ${first.message}` : "invalid input";
  throw new CoreError("INVALID", `Invalid ${what}: ${summary}`, { issues });
}
