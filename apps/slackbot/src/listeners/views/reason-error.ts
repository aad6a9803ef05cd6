import type { z } from "zod";

import { issueSentence, issueWording } from "@leash/core";

/** What a Reject modal says under the reason: core's wording of the first problem, naming the field. */
export function reasonError(issues: readonly z.core.$ZodIssue[]): string {
  const [issue] = issues;
  return issueSentence({ path: ["reason"], message: issue ? issueWording(issue) : "a reason is required" });
}
