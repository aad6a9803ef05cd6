import { tracked, type TRPCRouterRecord } from "@trpc/server";

import {
  actionViewSchema,
  actionWaitSchema,
  MAX_WAIT_SECONDS,
  proposeAndWait,
  proposeAndWaitInputSchema,
  proposeAndWaitResultSchema,
  waitForAction,
  waitForActionInputSchema,
  watchAction,
  watchActionInputSchema,
} from "@leash/core";

import { authedProcedure } from "../trpc.ts";

/** The action router's procedures for agents that wait for a person: bounded long polls and an SSE subscription. */
export const actionWaitProcedures = {
  proposeAndWait: authedProcedure
    .meta({
      description: `Propose like action.propose, then wait up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for the action to be executed, rejected, failed or cancelled. Not done yet: call action.wait with the cursor, as often as needed.`,
    })
    .input(proposeAndWaitInputSchema)
    .output(proposeAndWaitResultSchema)
    .mutation(({ ctx, input, signal }) => proposeAndWait({ ...ctx.deps, watcher: ctx.watcher }, { actor: ctx.actor, input, signal })),
  wait: authedProcedure
    .meta({
      description: `Wait up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for an action (by actionId or an earlier cursor) to be executed, rejected, failed or cancelled; answers at once if it already is.`,
    })
    .input(waitForActionInputSchema)
    .output(actionWaitSchema)
    .mutation(({ ctx, input, signal }) => waitForAction({ db: ctx.deps.db, watcher: ctx.watcher }, { actor: ctx.actor, input, signal })),
  watch: authedProcedure
    .meta({
      description:
        "Server-sent events (tRPC httpSubscriptionLink): the action now and after every change, ending once it is executed, rejected, failed or cancelled. Each event's id is the state's version (sent back as lastEventId on reconnect); comments keep the connection alive.",
      events: actionViewSchema,
    })
    .input(watchActionInputSchema)
    .subscription(async function* ({ ctx, input, signal }) {
      for await (const change of watchAction({ db: ctx.deps.db, watcher: ctx.watcher }, { actor: ctx.actor, input, signal: signal ?? new AbortController().signal })) {
        yield tracked(change.version, change.action);
      }
    }),
} satisfies TRPCRouterRecord;
