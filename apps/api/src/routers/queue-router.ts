import type { TRPCRouterRecord } from "@trpc/server";

import { queueStats, queueStatsSchema } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const queueRouter = {
  stats: authedProcedure
    .meta({ description: "The tenant's actions per status, the execution queue's job counts and recent failures." })
    .output(queueStatsSchema)
    .query(({ ctx }) => queueStats(ctx.deps, { actor: ctx.actor })),
} satisfies TRPCRouterRecord;
