import type { TRPCRouterRecord } from "@trpc/server";

import { decideBatch, decideBatchInputSchema, decideBatchResultSchema } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const batchRouter = {
  decide: authedProcedure
    .meta({
      description:
        "Approve or reject every pending action of a batch or template run with one decision (a reason is required to reject); `excludeActionIds` stay pending. Each action follows its usual rules; the ones refused are listed with why.",
    })
    .input(decideBatchInputSchema)
    .output(decideBatchResultSchema)
    .mutation(({ ctx, input }) => decideBatch(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
