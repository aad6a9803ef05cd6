/** What went wrong, in terms every medium (API, worker, Slack, web) maps once to its own vocabulary. */
export type CoreErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID"
  | "NOT_REVERSIBLE"
  | "LIMIT_EXCEEDED"
  /** A mail or chat server refused or could not take a message; `retryable` says whether trying later may help. */
  | "DELIVERY_FAILED";

export interface InvalidIssue {
  path: (string | number)[];
  message: string;
}

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  /** Whether trying the same thing again later may succeed (a retry of a job, a second click). */
  readonly retryable: boolean;
  readonly issues: InvalidIssue[] | undefined;
  /** How long to wait before the retry, when the other side said so (an HTTP `Retry-After`). */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: CoreErrorCode,
    message: string,
    options: { retryable?: boolean; issues?: InvalidIssue[]; cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "CoreError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.issues = options.issues;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export function isCoreError(error: unknown): error is CoreError {
  return error instanceof CoreError;
}
