import type { TRPCRouterRecord } from "@trpc/server";

import { metricsSummaryInputSchema, metricsSummarySchema, summarizeMetrics } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const metricsRouter = {
  summary: authedProcedure
    .meta({
      description:
        "The seed's success metrics over a window (day by hour, week or month by UTC day) against their targets, with the window before for the trend, per bucket, per action type and per agent (API key); optionally for one action type and one agent. Actions count in the window they were proposed in. Success rate = executed / (executed + failed); execution time runs from approval (when the action is queued) to executed; approval rate = approved (by people, automatically or on expiry) / decided; rollback rate = executed actions later rolled back / executed; decision time runs from proposal to a person's approval or rejection. Percentiles are within 2.5%.",
    })
    .input(metricsSummaryInputSchema)
    .output(metricsSummarySchema)
    .query(({ ctx, input }) => summarizeMetrics(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
