import { initTRPC } from "@trpc/server";
import { ZodError, type z } from "zod";

import { annotateSpan, inputIssues, inSpan, isCoreError, markSpanFailed, spanAttributes } from "@leash/core";

import type { ApiContext } from "./context.ts";
import { isMappedError, toTrpcError } from "./error-mapping.ts";

/** What each procedure says about itself; the API documentation is generated from it and the schemas. */
export interface ProcedureMeta {
  description: string;
  /** A subscription's event data (subscriptions have no output parser to read it from). */
  events?: z.ZodType;
}

const t = initTRPC.context<ApiContext>().meta<ProcedureMeta>().create({
  // Subscriptions over SSE: a comment every 15 s keeps proxies from closing a quiet stream, and a
  // client that hears nothing for 40 s reconnects (sending the last event id back).
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
  errorFormatter({ shape, error, ctx }) {
    // The cause of an internal error (a Prisma message with the server's paths and source lines, a
    // stack) is for the log, which has it under the same reference; the caller gets only the reference.
    if (shape.data.code === "INTERNAL_SERVER_ERROR") {
      return { ...shape, message: internalErrorMessage(ctx?.requestId), data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, issues: null } };
    }
    const cause = error.cause;
    const issues =
      cause instanceof ZodError
        ? inputIssues(cause.issues).map((issue) => ({ path: issue.path.map(String), message: issue.message }))
        : isCoreError(cause)
          ? (cause.issues ?? null)
          : null;
    // A readable one-line message instead of tRPC's JSON dump of the zod issues.
    // The first few issues are enough to read; all of them are in `data.issues`.
    const summary = issues?.slice(0, 5).map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ");
    const message = cause instanceof ZodError && summary ? (issues && issues.length > 5 ? `${summary}; and ${issues.length - 5} more` : summary) : shape.message;
    return { ...shape, message, data: { ...shape.data, stack: undefined, issues } };
  },
});

/** What a caller hears of an internal error: a reference to find it in the log. */
function internalErrorMessage(requestId: string | undefined): string {
  return `Internal error (reference ${requestId ?? "unknown"})`;
}

export const createRouter = t.router;

/** Maps domain errors raised by core to tRPC codes for every procedure. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isMappedError(result.error.cause)) throw toTrpcError(result.error.cause);
  // A subscription fails while it streams, after this middleware has returned: map its errors there.
  if (result.ok && isAsyncIterable(result.data)) return { ...result, data: mapStreamErrors(result.data) };
  return result;
});

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

async function* mapStreamErrors(stream: AsyncIterable<unknown>) {
  try {
    yield* stream;
  } catch (error) {
    throw toTrpcError(error);
  }
}

/**
 * One span per procedure call (a batch request makes several), inside the request's span: the
 * procedure and its outcome, and the tenant and action once known. Only an internal error fails it;
 * a refused call is the caller's, told by its code.
 */
const traceProcedure = t.middleware(({ path, type, next }) =>
  inSpan(`trpc ${path}`, { attributes: { "rpc.system": "trpc", "rpc.method": path, "leash.trpc.type": type }, unitOfWork: true }, async (span) => {
    const result = await next();
    span.setAttribute("rpc.response.status_code", result.ok ? "OK" : result.error.code);
    if (!result.ok && result.error.code === "INTERNAL_SERVER_ERROR") markSpanFailed(span, result.error.cause ?? result.error);
    return result;
  }),
);

export const publicProcedure = t.procedure.use(traceProcedure).use(mapErrors);

/** Requires a valid API key; `ctx.actor` is the key's tenant and role. Roles are checked by core. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const actor = await ctx.authenticate(ctx.apiKey);
  annotateSpan({ [spanAttributes.tenantId]: actor.tenantId });
  return next({ ctx: { ...ctx, actor } });
});
