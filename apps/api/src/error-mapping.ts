import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";

import { isCoreError, type CoreErrorCode } from "@leash/core";

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

/** The one place where domain errors become tRPC errors; anything else is an internal error. */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (isCoreError(error)) return new TRPCError({ code: trpcCodes[error.code], message: error.message, cause: error });
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: error });
}
