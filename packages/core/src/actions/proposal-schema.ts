import { z } from "zod";

import { itemDataSchemaFor } from "../items/item-data.ts";
import { targetTypeSchema } from "../items/target-type.ts";
import { jsonSize, MAX_PARAMETERS_BYTES, nestsTooDeep, tooDeepMessage } from "./json.ts";
import { createParameters } from "./types/create-item.ts";
import { deleteParameters } from "./types/delete-item.ts";
import { linkParameters } from "./types/link-items.ts";
import { notifyParameters } from "./types/notify.ts";
import { scheduleParameters } from "./types/schedule-reminder.ts";
import { updateParameters } from "./types/update-item.ts";

const itemId = z.int().positive().max(2_147_483_647);

const common = {
  reason: z.string().trim().min(1).max(2000).optional(),
  idempotencyKey: z.string().trim().min(1).max(200).optional(),
};

const withTarget = { targetType: targetTypeSchema, targetId: itemId };
const optionalTarget = { targetType: targetTypeSchema.optional(), targetId: itemId.optional() };

/** One proposed action: its type, its target and its parameters. The contract for every medium. */
export const proposeActionInputSchema = z
  .discriminatedUnion("actionType", [
    z.strictObject({ actionType: z.literal("create"), targetType: targetTypeSchema, parameters: createParameters, ...common }),
    z.strictObject({ actionType: z.literal("update"), ...withTarget, parameters: updateParameters, ...common }),
    z.strictObject({ actionType: z.literal("delete"), ...withTarget, parameters: deleteParameters.default({ permanent: false }), ...common }),
    z.strictObject({ actionType: z.literal("link"), ...withTarget, parameters: linkParameters, ...common }),
    z.strictObject({ actionType: z.literal("notify"), ...optionalTarget, parameters: notifyParameters, ...common }),
    z.strictObject({ actionType: z.literal("schedule"), ...optionalTarget, parameters: scheduleParameters, ...common }),
  ])
  .superRefine((proposal, context) => {
    if (nestsTooDeep(proposal.parameters)) {
      context.addIssue({ code: "custom", path: ["parameters"], message: `parameters ${tooDeepMessage}` });
      return;
    }
    if (jsonSize(proposal.parameters) > MAX_PARAMETERS_BYTES) {
      context.addIssue({
        code: "custom",
        path: ["parameters"],
        message: `parameters must be at most ${MAX_PARAMETERS_BYTES} bytes of JSON`,
      });
    }
    if ((proposal.actionType === "notify" || proposal.actionType === "schedule") && (proposal.targetType === undefined) !== (proposal.targetId === undefined)) {
      context.addIssue({ code: "custom", path: ["targetId"], message: "targetType and targetId go together" });
    }
    if (proposal.actionType === "create" || proposal.actionType === "update") {
      const schema = itemDataSchemaFor(proposal.targetType, { partial: proposal.actionType === "update" });
      const parsed = schema.safeParse(proposal.parameters.data ?? {});
      for (const issue of parsed.error?.issues ?? []) {
        context.addIssue({ code: "custom", path: ["parameters", "data", ...issue.path], message: issue.message });
      }
    }
  });

export type ProposeActionInput = z.input<typeof proposeActionInputSchema>;
export type ActionProposal = z.output<typeof proposeActionInputSchema>;

export const MAX_BATCH_SIZE = 100;

export const proposeBatchInputSchema = z.strictObject({
  actions: z.array(proposeActionInputSchema).min(1).max(MAX_BATCH_SIZE),
  reason: z.string().trim().min(1).max(2000).optional(),
});

export type ProposeBatchInput = z.input<typeof proposeBatchInputSchema>;
