import type { TRPCRouterRecord } from "@trpc/server";

import { COUNT_CAP, queueStats, queueStatsSchema } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const queueRouter = {
  stats: authedProcedure
    .meta({
      description:
        `The tenant's actions per status, each counted up to ${COUNT_CAP} (\`capped\` when the count stopped there), and its 10 latest failures. ` +
        "Its queue is its approved actions (waiting for a worker) and executing ones; the execution queue is shared, so its job counts are not shown.",
    })
    .output(queueStatsSchema)
    .query(({ ctx }) => queueStats(ctx.deps, { actor: ctx.actor })),
} satisfies TRPCRouterRecord;
