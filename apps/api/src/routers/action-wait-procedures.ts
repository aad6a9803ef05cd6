import { tracked, type TRPCRouterRecord } from "@trpc/server";

import {
  actionViewSchema,
  actionWaitSchema,
  DEFAULT_MAX_WAITS_PER_KEY,
  MAX_WAIT_SECONDS,
  proposeAndWait,
  proposeAndWaitInputSchema,
  proposeAndWaitResultSchema,
  waitForAction,
  waitForActionInputSchema,
  watchAction,
  watchActionInputSchema,
} from "@leash/core";

import type { ApiContext } from "../context.ts";
import { authedProcedure } from "../trpc.ts";

const openWaits = `An API key may have ${DEFAULT_MAX_WAITS_PER_KEY} waits and watches open at once (TOO_MANY_REQUESTS beyond); a key revoked meanwhile ends them with UNAUTHORIZED.`;

/** What a wait re-checks while it lasts: the caller's key as presented, through the server's cached lookup. */
const reauthenticate = (ctx: ApiContext) => () => ctx.lookUpKey(ctx.apiKey);

/** The action router's procedures for agents that wait for a person: bounded long polls and an SSE subscription. */
export const actionWaitProcedures = {
  proposeAndWait: authedProcedure
    .meta({
      description: `Propose like action.propose, then wait up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for the action to be executed, rejected, failed or cancelled. Not done yet: call action.wait with the cursor, as often as needed. ${openWaits}`,
    })
    .input(proposeAndWaitInputSchema)
    .output(proposeAndWaitResultSchema)
    .mutation(({ ctx, input, signal }) => proposeAndWait({ ...ctx.deps, ...ctx.waits }, { actor: ctx.actor, input, signal, reauthenticate: reauthenticate(ctx) })),
  wait: authedProcedure
    .meta({
      description: `Wait up to waitSeconds (at most ${MAX_WAIT_SECONDS}) for an action (by actionId or an earlier cursor) to be executed, rejected, failed or cancelled; answers at once if it already is. ${openWaits}`,
    })
    .input(waitForActionInputSchema)
    .output(actionWaitSchema)
    .mutation(({ ctx, input, signal }) => waitForAction(ctx.waits, { actor: ctx.actor, input, signal, reauthenticate: reauthenticate(ctx) })),
  watch: authedProcedure
    .meta({
      description: `Server-sent events (tRPC httpSubscriptionLink): the action now and after every change, ending once it is executed, rejected, failed or cancelled. Each event's id is the state's version (sent back as lastEventId on reconnect); comments keep the connection alive. ${openWaits}`,
      events: actionViewSchema,
    })
    .input(watchActionInputSchema)
    .subscription(async function* ({ ctx, input, signal }) {
      const watching = { actor: ctx.actor, input, signal: signal ?? new AbortController().signal, reauthenticate: reauthenticate(ctx) };
      for await (const change of watchAction(ctx.waits, watching)) {
        yield tracked(change.version, change.action);
      }
    }),
} satisfies TRPCRouterRecord;
