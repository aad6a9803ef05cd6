import type { TRPCRouterRecord } from "@trpc/server";

import { queueStats } from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const queueRouter = {
  stats: authedProcedure.query(({ ctx }) => queueStats(ctx.deps, { actor: ctx.actor })),
} satisfies TRPCRouterRecord;
