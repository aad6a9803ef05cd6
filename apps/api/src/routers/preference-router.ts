import type { TRPCRouterRecord } from "@trpc/server";

import { listPreferences, setPreference, setPreferenceInputSchema } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const preferenceRouter = {
  get: authedProcedure.query(({ ctx }) => listPreferences(ctx.deps, { actor: ctx.actor })),
  set: authedProcedure
    .input(setPreferenceInputSchema)
    .mutation(({ ctx, input }) => setPreference(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
