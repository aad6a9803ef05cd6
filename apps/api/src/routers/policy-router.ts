import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import { deletePolicy, deletePolicyInputSchema, listPolicies, policyViewSchema, setPolicy, setPolicyInputSchema } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const policyRouter = {
  list: authedProcedure
    .meta({ description: "The tenant's approval policies: quorum, separation of duties, expiry, reminders and escalation per action type (optionally per target type)." })
    .output(z.array(policyViewSchema))
    .query(({ ctx }) => listPolicies(ctx.deps, { actor: ctx.actor })),
  set: authedProcedure
    .meta({ description: "Set the approval policy of an action type, optionally for one target type, replacing that scope's policy (admin keys). Actions already waiting keep the policy they were proposed under." })
    .input(setPolicyInputSchema)
    .output(policyViewSchema)
    .mutation(({ ctx, input }) => setPolicy(ctx.deps, { actor: ctx.actor, input })),
  delete: authedProcedure
    .meta({ description: "Delete an approval policy (admin keys); its scope falls back to a less specific policy or to one approver with separation of duties." })
    .input(deletePolicyInputSchema)
    .output(z.object({ deleted: z.literal(true) }))
    .mutation(({ ctx, input }) => deletePolicy(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
