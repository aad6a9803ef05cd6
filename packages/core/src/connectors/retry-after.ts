/** The longest wait a `Retry-After` is taken at its word for; beyond it the worker's own backoff is as good. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/** A `Retry-After` header in milliseconds from `now`: seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now.getTime()), MAX_RETRY_AFTER_MS);
}
