import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";

import {
  createTemplate,
  createTemplateInputSchema,
  deleteTemplate,
  getTemplate,
  listTemplates,
  runTemplate,
  runTemplateInputSchema,
  templateRefInputSchema,
  templateRunSchema,
  templateViewSchema,
  updateTemplate,
  updateTemplateInputSchema,
} from "@leash/core";

import { authedProcedure } from "../trpc.ts";

export const templateRouter = {
  create: authedProcedure
    .meta({ description: "Add a template: parameters and ordered steps whose values may use {{params.NAME}} and {{steps.N.result.FIELD}} (approver or admin keys)." })
    .input(createTemplateInputSchema)
    .output(templateViewSchema)
    .mutation(({ ctx, input }) => createTemplate(ctx.deps, { actor: ctx.actor, input })),
  update: authedProcedure
    .meta({ description: "Change some fields of a template; the result is checked as a whole (approver or admin keys)." })
    .input(updateTemplateInputSchema)
    .output(templateViewSchema)
    .mutation(({ ctx, input }) => updateTemplate(ctx.deps, { actor: ctx.actor, input })),
  delete: authedProcedure
    .meta({ description: "Remove a template from the library; actions of earlier runs stay (approver or admin keys)." })
    .input(templateRefInputSchema)
    .output(templateViewSchema)
    .mutation(({ ctx, input }) => deleteTemplate(ctx.deps, { actor: ctx.actor, input })),
  list: authedProcedure
    .meta({ description: "The template library, by name." })
    .output(z.array(templateViewSchema))
    .query(({ ctx }) => listTemplates(ctx.deps, { actor: ctx.actor })),
  get: authedProcedure
    .meta({ description: "One template." })
    .input(templateRefInputSchema)
    .output(templateViewSchema)
    .query(({ ctx, input }) => getTemplate(ctx.deps, { actor: ctx.actor, input })),
  run: authedProcedure
    .meta({ description: "Run a template with parameter values: proposes one action per step as one batch (all or none); the worker runs the steps in order." })
    .input(runTemplateInputSchema)
    .output(templateRunSchema)
    .mutation(({ ctx, input }) => runTemplate(ctx.deps, { actor: ctx.actor, input })),
} satisfies TRPCRouterRecord;
