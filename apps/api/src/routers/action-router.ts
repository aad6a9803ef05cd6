import type { TRPCRouterRecord } from "@trpc/server";

import {
  actionHistory,
  actionRefInputSchema,
  approveAction,
  cancelAction,
  cancelActionInputSchema,
  getAction,
  listActions,
  listActionsInputSchema,
  proposeAction,
  proposeActionInputSchema,
  proposeBatch,
  proposeBatchInputSchema,
  rejectAction,
  rejectActionInputSchema,
} from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const actionRouter = {
  propose: authedProcedure
    .input(proposeActionInputSchema)
    .mutation(({ ctx, input }) => proposeAction(ctx.deps, { actor: ctx.actor, input })),
  proposeBatch: authedProcedure
    .input(proposeBatchInputSchema)
    .mutation(({ ctx, input }) => proposeBatch(ctx.deps, { actor: ctx.actor, input })),
  get: authedProcedure.input(actionRefInputSchema).query(({ ctx, input }) => getAction(ctx.deps, { actor: ctx.actor, input })),
  list: authedProcedure.input(listActionsInputSchema).query(({ ctx, input }) => listActions(ctx.deps, { actor: ctx.actor, input })),
  history: authedProcedure
    .input(actionRefInputSchema)
    .query(({ ctx, input }) => actionHistory(ctx.deps, { actor: ctx.actor, input })),
  approve: authedProcedure
    .input(actionRefInputSchema)
    .mutation(({ ctx, input }) => approveAction(ctx.deps, { actor: ctx.actor, input })),
  reject: authedProcedure
    .input(rejectActionInputSchema)
    .mutation(({ ctx, input }) => rejectAction(ctx.deps, { actor: ctx.actor, input })),
  cancel: authedProcedure
    .input(cancelActionInputSchema)
    .mutation(({ ctx, input }) => cancelAction(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
