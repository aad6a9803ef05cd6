import { z } from "zod";

import type { TargetType } from "@leash/db";

import type { ActionDefinition, AnyActionDefinition, TargetRule } from "../action-types/action-definition.ts";
import { actionTypes, findActionType, sealActionTypes, type BuiltInActionType } from "../action-types/action-type-registry.ts";
import { jsonSize, MAX_PARAMETERS_BYTES, nestsTooDeep, tooDeepMessage, type JsonObject } from "../actions/json.ts";
import { int4IdSchema, safeText, unsafeTextMessage, unsafeTextPath } from "../actions/storable.ts";
import { targetTypeSchema } from "../items/target-type.ts";

const itemId = int4IdSchema;

/** The fields every proposal takes besides its type, target and parameters. */
export const proposalCommonFields = {
  reason: safeText(z.string().trim().min(1).max(2000)).optional(),
  idempotencyKey: safeText(z.string().trim().min(1).max(200)).optional(),
};

const targetFields: Record<TargetRule, z.ZodRawShape> = {
  new: { targetType: targetTypeSchema },
  required: { targetType: targetTypeSchema, targetId: itemId },
  optional: { targetType: targetTypeSchema.optional(), targetId: itemId.optional() },
  none: {},
};

/** One type's proposal: its name, the target fields its rule asks for, its parameters; `extra` adds fields (a wait). */
export function proposalVariant(definition: AnyActionDefinition, extra: z.ZodRawShape = {}) {
  // Parameters that may all be left out (a delete's) may be left out as a whole.
  const parameters = definition.parametersSchema.safeParse({}).success ? definition.parametersSchema.prefault({}) : definition.parametersSchema;
  return z.strictObject({
    actionType: z.literal(definition.type).describe(definition.description),
    ...targetFields[definition.target],
    parameters,
    ...proposalCommonFields,
    ...extra,
  });
}

/** Checks across fields, shared by every variant: size and depth of the parameters, the target pair, the type's own. */
function checkProposal(proposal: { actionType: string; targetType?: TargetType; targetId?: number; parameters: unknown }, context: z.RefinementCtx) {
  if (nestsTooDeep(proposal.parameters)) {
    context.addIssue({ code: "custom", path: ["parameters"], message: `parameters ${tooDeepMessage}` });
    return;
  }
  // Every string of the parameters, whatever the type's schema says about them, goes into a jsonb column.
  const unsafe = unsafeTextPath(proposal.parameters);
  if (unsafe) context.addIssue({ code: "custom", path: ["parameters", ...unsafe], message: unsafeTextMessage });
  if (jsonSize(proposal.parameters) > MAX_PARAMETERS_BYTES) {
    context.addIssue({ code: "custom", path: ["parameters"], message: `parameters must be at most ${MAX_PARAMETERS_BYTES} bytes of JSON` });
  }
  const definition = findActionType(proposal.actionType);
  if (definition?.target === "optional" && (proposal.targetType === undefined) !== (proposal.targetId === undefined)) {
    context.addIssue({ code: "custom", path: ["targetId"], message: "targetType and targetId go together" });
  }
  for (const issue of definition?.checkParameters?.({ targetType: proposal.targetType, parameters: proposal.parameters }) ?? []) {
    context.addIssue({ code: "custom", path: issue.path, message: issue.message });
  }
}

/** The proposal schema of every registered type, with `extra` fields on each variant. */
export function registeredProposalSchema(extra: z.ZodRawShape = {}) {
  sealActionTypes();
  const [first, ...rest] = actionTypes().map((definition) => proposalVariant(definition, extra));
  if (!first) throw new Error("no action type is registered");
  return z.discriminatedUnion("actionType", [first, ...rest]).superRefine(checkProposal);
}

type TargetInput<Rule> = Rule extends "new"
  ? { targetType: TargetType }
  : Rule extends "required"
    ? { targetType: TargetType; targetId: number }
    : Rule extends "optional"
      ? { targetType?: TargetType; targetId?: number }
      : unknown;

type ParametersInput<Schema extends z.ZodType> = object extends z.input<Schema> ? { parameters?: z.input<Schema> } : { parameters: z.input<Schema> };

/** What proposing an action of type `D` takes: `ProposalInputOf<typeof myType>` types a team's own. */
export type ProposalInputOf<D> =
  D extends ActionDefinition<infer Name, infer Schema, infer Rule>
    ? { actionType: Name; reason?: string; idempotencyKey?: string } & TargetInput<Rule> & ParametersInput<Schema>
    : never;

/** A proposal of any built-in type, as a client sends it (a team's own types: `ProposalInputOf`). */
export type ProposeActionInput = ProposalInputOf<BuiltInActionType>;

/** A parsed proposal of any registered type. */
export interface ActionProposal {
  actionType: string;
  targetType?: TargetType | undefined;
  targetId?: number | undefined;
  parameters: JsonObject;
  reason?: string | undefined;
  idempotencyKey?: string | undefined;
}

/**
 * One proposed action: its type, its target and its parameters, for every registered type. The
 * contract for every medium; built from the registry when first used (types register at start).
 */
export const proposeActionInputSchema = z.lazy(() => registeredProposalSchema()) as unknown as z.ZodType<ActionProposal, ProposeActionInput>;

export const MAX_BATCH_SIZE = 100;

export const proposeBatchInputSchema = z.strictObject({
  actions: z.array(proposeActionInputSchema).min(1).max(MAX_BATCH_SIZE),
  reason: proposalCommonFields.reason,
});

/** What core's propose verbs take: a typed proposal, or one of any registered type (parsed again there). */
export type ProposeBatchInput = z.input<typeof proposeBatchInputSchema> | { actions: ActionProposal[]; reason?: string | undefined };
