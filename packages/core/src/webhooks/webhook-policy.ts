/** How deliveries are retried and when a failing endpoint is given up on; the worker's settings, short in tests. */
export interface WebhookPolicy {
  /** The wait after each failed attempt: the nth failure waits the nth entry; after the last one the delivery fails. */
  retryScheduleMs: readonly number[];
  /** An endpoint whose attempts have failed for this long since its last success is disabled. */
  disableAfterMs: number;
  /** How long one attempt may take: resolving, connecting, sending and reading the answer. */
  timeoutMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** 11 attempts over about 31.6 hours; an endpoint failing for 24 hours is disabled before the schedule runs out. */
export const defaultWebhookPolicy: WebhookPolicy = {
  retryScheduleMs: [10 * SECOND, MINUTE, 5 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 8 * HOUR, 8 * HOUR],
  disableAfterMs: 24 * HOUR,
  timeoutMs: 10 * SECOND,
};

/**
 * The wait after the `failures`th failed attempt in a row, or null when the schedule is spent. A
 * `Retry-After` (429, 503) makes it longer, never shorter, up to the schedule's longest step.
 */
export function webhookRetryDelayMs(policy: WebhookPolicy, failures: number, retryAfterMs: number | undefined): number | null {
  const scheduled = policy.retryScheduleMs[failures - 1];
  if (scheduled === undefined) return null;
  return Math.min(Math.max(scheduled, retryAfterMs ?? 0), Math.max(...policy.retryScheduleMs));
}
