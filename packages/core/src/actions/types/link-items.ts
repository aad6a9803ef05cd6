import { z } from "zod";

import { targetTypeSchema } from "../../items/target-type.ts";
import { CoreError } from "../../errors.ts";
import { defineAction } from "../action-definition.ts";
import { findLiveItem } from "../items.ts";

/** Links the target item to another item, e.g. person --works_on--> project. */
export const linkParameters = z.strictObject({
  toType: targetTypeSchema,
  toId: z.int().positive(),
  relation: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N}_ -]+$/u, "letters, digits, spaces, _ and - only"),
});

export const linkAction = defineAction({
  type: "link",
  target: "required",
  parametersSchema: linkParameters,
  async execute({ tx, tenantId, targetType, targetId, parameters }) {
    const from = await findLiveItem(tx, tenantId, targetType, targetId ?? 0);
    const to = await findLiveItem(tx, tenantId, parameters.toType, parameters.toId);
    const existing = await tx.link.findFirst({ where: { fromId: from.id, toId: to.id, relation: parameters.relation } });
    if (existing) {
      throw new CoreError("CONFLICT", `${from.title} is already linked (${parameters.relation}) to ${to.title}`);
    }
    const link = await tx.link.create({
      data: { tenantId, fromId: from.id, toId: to.id, relation: parameters.relation },
    });
    return {
      result: { linkId: link.id, fromId: from.id, toId: to.id, relation: link.relation },
      rollbackData: { linkId: link.id },
    };
  },
});
