import { CoreError } from "../errors.ts";

/** A refusal that a retry would get again (mailbox unknown, channel not found): the action fails with it. */
export function permanentFailure(message: string, cause?: unknown): CoreError {
  return new CoreError("DELIVERY_FAILED", message, { retryable: false, cause });
}

/** A failure that may pass later (server away, timeout, 4xx, rate limit): the action or job retries. */
export function transientFailure(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}): CoreError {
  return new CoreError("DELIVERY_FAILED", message, { retryable: true, ...options });
}
