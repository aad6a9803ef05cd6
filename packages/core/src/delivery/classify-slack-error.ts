import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from "@slack/web-api";

import type { CoreError } from "../errors.ts";
import { permanentFailure, transientFailure } from "./delivery-failure.ts";

// Slack's own errors that say "later"; every other error Slack answers with (channel_not_found,
// not_in_channel, user_not_found, invalid_auth, is_archived, ...) is its final word on the message.
const transientPlatformErrors = new Set(["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"]);

/** Sorts a failed Slack call: rate limits, network errors and 5xx retry; Slack's refusals fail. */
export function classifySlackError(error: unknown, destination: string): CoreError {
  if (error instanceof WebAPIRateLimitedError) {
    return transientFailure(`Slack rate-limited the message to ${destination} (retry after ${error.retryAfter} s)`, { cause: error, retryAfterMs: error.retryAfter * 1000 });
  }
  if (error instanceof WebAPIPlatformError) {
    const reason = error.data.error;
    return transientPlatformErrors.has(reason)
      ? transientFailure(`Slack could not take the message to ${destination} now: ${reason}`, { cause: error })
      : permanentFailure(`Slack refused the message to ${destination}: ${reason}`, error);
  }
  if (error instanceof WebAPIHTTPError) {
    const said = `HTTP ${error.statusCode} ${error.statusMessage}`;
    return error.statusCode >= 500 || error.statusCode === 429
      ? transientFailure(`Slack could not take the message to ${destination} now: ${said}`, { cause: error })
      : permanentFailure(`Slack refused the message to ${destination}: ${said}`, error);
  }
  if (error instanceof WebAPIRequestError) {
    return transientFailure(`Slack could not be reached for the message to ${destination}: ${error.original.message}`, { cause: error });
  }
  return transientFailure(`Slack message to ${destination} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
