import { isCoreError, SeparationOfDutiesError } from "@leash/core";

import { escapeText, localiseTimes } from "./format.ts";

/** What the person was trying to do, for the one sentence that says why they could not. */
export type Attempt = "decide" | "roll back";

/**
 * The ephemeral answer to a request that changed nothing. Core's errors are mapped here once for
 * Slack; anything else is our fault and says so without details (they are in the log).
 */
export function refusalText(error: unknown, { tenantName, attempt }: { tenantName: string | null; attempt: Attempt }): string {
  if (!isCoreError(error)) return "Something went wrong on our side and nothing was changed. Try again in a moment, or use the console.";
  const message = localiseTimes(escapeText(error.message));
  // About this action, not about who they are: the sentence says who must decide instead.
  if (error instanceof SeparationOfDutiesError) return message;
  switch (error.code) {
    case "FORBIDDEN":
    case "UNAUTHORIZED":
      return tenantName
        ? `Only approvers of ${escapeText(tenantName)} can ${attempt}; ask an admin to link your Slack account`
        : message;
    case "NOT_FOUND":
      return tenantName && message.startsWith("No action") ? `${message} in ${escapeText(tenantName)}` : message;
    default:
      return message;
  }
}
