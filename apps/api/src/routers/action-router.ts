import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  actionDetailSchema,
  actionEventViewSchema,
  actionHistory,
  actionPageSchema,
  actionRefInputSchema,
  actionViewSchema,
  approveAction,
  approveActionInputSchema,
  cancelAction,
  cancelActionInputSchema,
  completeAction,
  completeActionInputSchema,
  getAction,
  listActions,
  listActionsInputSchema,
  previewRollback,
  proposeAction,
  proposeActionInputSchema,
  proposeBatch,
  proposeBatchInputSchema,
  proposeBatchResultSchema,
  proposeResultSchema,
  rejectAction,
  rejectActionInputSchema,
  rollbackAction,
  rollbackActionInputSchema,
  rollbackPreviewInputSchema,
  rollbackPreviewSchema,
  rollbackResultSchema,
} from "@leash/core";

import { authedProcedure } from "../trpc.ts";
import { actionWaitProcedures } from "./action-wait-procedures.ts";

export const actionRouter = {
  propose: authedProcedure
    .meta({ description: "Propose one action. It waits for a person unless an approval preference covers it; an idempotencyKey makes retries safe." })
    .input(proposeActionInputSchema)
    .output(proposeResultSchema)
    .mutation(({ ctx, input }) => proposeAction(ctx.deps, { actor: ctx.actor, input })),
  proposeBatch: authedProcedure
    .meta({ description: "Propose 1 to 100 actions at once: every one is validated first, then all are created or none." })
    .input(proposeBatchInputSchema)
    .output(proposeBatchResultSchema)
    .mutation(({ ctx, input }) => proposeBatch(ctx.deps, { actor: ctx.actor, input })),
  get: authedProcedure
    .meta({ description: "One action with its whole timeline (every event, oldest first)." })
    .input(actionRefInputSchema)
    .output(actionDetailSchema)
    .query(({ ctx, input }) => getAction(ctx.deps, { actor: ctx.actor, input })),
  list: authedProcedure
    .meta({ description: "The history, newest first: filter by status, type, target, actor and date range; page with nextCursor." })
    .input(listActionsInputSchema)
    .output(actionPageSchema)
    .query(({ ctx, input }) => listActions(ctx.deps, { actor: ctx.actor, input })),
  history: authedProcedure
    .meta({ description: "The audit trail of one action, oldest first." })
    .input(actionRefInputSchema)
    .output(z.array(actionEventViewSchema))
    .query(({ ctx, input }) => actionHistory(ctx.deps, { actor: ctx.actor, input })),
  approve: authedProcedure
    .meta({
      description:
        "Approve a pending action (approver or admin keys), optionally with edited parameters (validated again; the original stays in the timeline). Under a quorum policy each distinct approver counts once and the action stays pending until the last required approval; then it is queued for execution. The proposer, or the owner of the proposing key, may not approve (FORBIDDEN) unless the policy allows it.",
    })
    .input(approveActionInputSchema)
    .output(actionViewSchema)
    .mutation(({ ctx, input }) => approveAction(ctx.deps, { actor: ctx.actor, input })),
  reject: authedProcedure
    .meta({ description: "Reject a pending action with a reason (approver or admin keys)." })
    .input(rejectActionInputSchema)
    .output(actionViewSchema)
    .mutation(({ ctx, input }) => rejectAction(ctx.deps, { actor: ctx.actor, input })),
  cancel: authedProcedure
    .meta({ description: "Cancel an action no worker has claimed yet; agents may cancel what they proposed." })
    .input(cancelActionInputSchema)
    .output(actionViewSchema)
    .mutation(({ ctx, input }) => cancelAction(ctx.deps, { actor: ctx.actor, input })),
  complete: authedProcedure
    .meta({
      description:
        "Report the outcome of an approved action you carry out yourself (type external): succeeded with its result, or failed with the error. Only the proposing key may report, once; an approval not reported on within an hour fails.",
    })
    .input(completeActionInputSchema)
    .output(actionViewSchema)
    .mutation(({ ctx, input }) => completeAction(ctx.deps, { actor: ctx.actor, input })),
  rollbackPreview: authedProcedure
    .meta({ description: "Whether an executed action can be rolled back, why not, and a before/after of what each undo restores (the whole cascade with later changes)." })
    .input(rollbackPreviewInputSchema)
    .output(rollbackPreviewSchema)
    .query(({ ctx, input }) => previewRollback(ctx.deps, { actor: ctx.actor, input })),
  rollback: authedProcedure
    .meta({ description: "Roll back an executed action (needs confirm: true and an approver or admin key): creates its undo action, run by the worker; cascade undoes later changes first, newest first." })
    .input(rollbackActionInputSchema)
    .output(rollbackResultSchema)
    .mutation(({ ctx, input }) => rollbackAction(ctx.deps, { actor: ctx.actor, input })),
  ...actionWaitProcedures,
} satisfies TRPCRouterRecord;
