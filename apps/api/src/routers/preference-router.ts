import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import { listPreferences, preferenceViewSchema, setPreference, setPreferenceInputSchema } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const preferenceRouter = {
  get: authedProcedure
    .meta({ description: "The tenant's approval preferences: which action types (optionally per target type) run without a person." })
    .output(z.array(preferenceViewSchema))
    .query(({ ctx }) => listPreferences(ctx.deps, { actor: ctx.actor })),
  set: authedProcedure
    .meta({ description: "Set auto-approval for an action type, optionally for one target type (admin keys)." })
    .input(setPreferenceInputSchema)
    .output(preferenceViewSchema)
    .mutation(({ ctx, input }) => setPreference(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
