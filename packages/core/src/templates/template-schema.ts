import { z } from "zod";

import { actionViewSchema } from "../actions/action-view.ts";
import { boundedJsonObjectSchema } from "../actions/json.ts";
import { int4IdSchema, safeText } from "../actions/storable.ts";
import { actionTypeSchema } from "../action-types/action-type-schema.ts";
import { targetTypeSchema } from "../items/target-type.ts";
import { checkTemplate } from "./check-template.ts";
import { templateParameterTypes } from "./parameter-types.ts";

export const templateParameterSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, "must use only letters, digits and _, and not start with a digit"),
  type: z.enum(templateParameterTypes),
  required: z.boolean().default(true),
  default: z.union([safeText(z.string()), z.number(), z.boolean()]).optional(),
  description: safeText(z.string().trim().min(1).max(500)).optional(),
});
export type TemplateParameter = z.output<typeof templateParameterSchema>;

/** One step: an action proposal whose targetId and parameters may hold placeholders. */
export const templateStepSchema = z.strictObject({
  actionType: actionTypeSchema,
  targetType: targetTypeSchema.optional(),
  targetId: z
    .union([
      int4IdSchema,
      safeText(z.string()).regex(/^\{\{[^{}]+\}\}$/, "an item id, or one placeholder such as {{steps.0.result.itemId}}"),
    ])
    .optional(),
  parameters: boundedJsonObjectSchema.default({}),
  reason: safeText(z.string().trim().min(1).max(2000)).optional(),
});
export type TemplateStep = z.output<typeof templateStepSchema>;

export const MAX_TEMPLATE_STEPS = 20;

const definitionFields = {
  name: safeText(z.string().trim().min(1).max(200)),
  description: safeText(z.string().trim().min(1).max(2000)).nullable().default(null),
  parameters: z.array(templateParameterSchema).max(30).default([]),
  steps: z.array(templateStepSchema).min(1).max(MAX_TEMPLATE_STEPS),
};

/** A whole template, checked: placeholders name declared parameters and earlier steps, steps are valid proposals. */
export const templateDefinitionSchema = z.strictObject(definitionFields).superRefine(checkTemplate);
export type TemplateDefinition = z.output<typeof templateDefinitionSchema>;

export const templateIdSchema = int4IdSchema;

export const createTemplateInputSchema = templateDefinitionSchema;
export type CreateTemplateInput = z.input<typeof createTemplateInputSchema>;

/** Changes some fields of a template; the result is checked as a whole again. */
export const updateTemplateInputSchema = z.strictObject({
  templateId: templateIdSchema,
  name: definitionFields.name.optional(),
  description: safeText(z.string().trim().min(1).max(2000)).nullable().optional(),
  parameters: z.array(templateParameterSchema).max(30).optional(),
  steps: definitionFields.steps.optional(),
});
export type UpdateTemplateInput = z.input<typeof updateTemplateInputSchema>;

export const templateRefInputSchema = z.strictObject({ templateId: templateIdSchema });
export type TemplateRefInput = z.input<typeof templateRefInputSchema>;

export const runTemplateInputSchema = z.strictObject({
  templateId: templateIdSchema,
  /** Values of the template's parameters by name. */
  parameters: boundedJsonObjectSchema.default({}),
  reason: safeText(z.string().trim().min(1).max(2000)).optional(),
});
export type RunTemplateInput = z.input<typeof runTemplateInputSchema>;

export const templateViewSchema = z.object({
  id: z.int(),
  name: z.string(),
  description: z.string().nullable(),
  parameters: z.array(templateParameterSchema),
  steps: z.array(templateStepSchema),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TemplateView = z.infer<typeof templateViewSchema>;

export const templateRunSchema = z.object({
  batchId: z.string(),
  templateId: z.int(),
  /** One action per step, in step order; each runs only after the previous one executed. */
  actions: z.array(actionViewSchema),
});
export type TemplateRun = z.infer<typeof templateRunSchema>;
