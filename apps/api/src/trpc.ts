import { initTRPC } from "@trpc/server";
import { ZodError } from "zod";

import { isCoreError } from "@leash/core";

import type { ApiContext } from "./context.ts";
import { toTrpcError } from "./error-mapping.ts";

/** What each procedure says about itself; the API documentation is generated from it and the schemas. */
export interface ProcedureMeta {
  description: string;
}

const t = initTRPC.context<ApiContext>().meta<ProcedureMeta>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const issues =
      cause instanceof ZodError
        ? cause.issues.map((issue) => ({ path: issue.path.map(String), message: issue.message }))
        : isCoreError(cause)
          ? (cause.issues ?? null)
          : null;
    // A readable one-line message instead of tRPC's JSON dump of the zod issues.
    const message = cause instanceof ZodError && issues ? issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`).join("; ") : shape.message;
    return { ...shape, message, data: { ...shape.data, stack: undefined, issues } };
  },
});

export const createRouter = t.router;

/** Maps domain errors raised by core to tRPC codes for every procedure. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isCoreError(result.error.cause)) throw toTrpcError(result.error.cause);
  return result;
});

export const publicProcedure = t.procedure.use(mapErrors);

/** Requires a valid API key; `ctx.actor` is the key's tenant and role. Roles are checked by core. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const actor = await ctx.authenticate(ctx.apiKey);
  return next({ ctx: { ...ctx, actor } });
});
