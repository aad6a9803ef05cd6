/** What went wrong, in terms every medium (API, worker, Slack, web) maps once to its own vocabulary. */
export type CoreErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "INVALID"
  | "NOT_REVERSIBLE"
  | "LIMIT_EXCEEDED";

export interface InvalidIssue {
  path: (string | number)[];
  message: string;
}

export class CoreError extends Error {
  readonly code: CoreErrorCode;
  /** Whether trying the same thing again later may succeed (a retry of a job, a second click). */
  readonly retryable: boolean;
  readonly issues: InvalidIssue[] | undefined;

  constructor(
    code: CoreErrorCode,
    message: string,
    options: { retryable?: boolean; issues?: InvalidIssue[]; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "CoreError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.issues = options.issues;
  }
}

export function isCoreError(error: unknown): error is CoreError {
  return error instanceof CoreError;
}
