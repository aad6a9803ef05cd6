import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

import { isCoreError, type CoreErrorCode } from "@leash/core";
import { isDatabaseUnavailable } from "@leash/db";

const trpcCodes: Record<CoreErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  INVALID: "BAD_REQUEST",
  NOT_REVERSIBLE: "UNPROCESSABLE_CONTENT",
  LIMIT_EXCEEDED: "TOO_MANY_REQUESTS",
  DELIVERY_FAILED: "BAD_GATEWAY",
};

/** How long a caller waits before trying again while the database is unreachable (a restart takes seconds). */
export const DATABASE_UNAVAILABLE_RETRY_SECONDS = 2;

/** Whether an error is one this table maps (a domain error, or the database out of reach) rather than an internal one. */
export function isMappedError(error: unknown): boolean {
  return isCoreError(error) || isDatabaseUnavailable(error);
}

/**
 * The one place where domain errors become tRPC errors. The database out of reach is a 503 that
 * says so and invites a retry (a proposal retried with its idempotency key is never stored twice);
 * anything else is an internal error.
 */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (isCoreError(error)) return new TRPCError({ code: trpcCodes[error.code], message: error.message, cause: error });
  if (isDatabaseUnavailable(error)) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: `Leash cannot reach its database at the moment; try again in ${DATABASE_UNAVAILABLE_RETRY_SECONDS} s (a proposal retried with the same idempotencyKey is never stored twice)`,
      cause: error,
    });
  }
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: error });
}
