import { z } from "zod";

import { defineAction, type HandlerOutcome } from "../action-definition.ts";
import { findLiveItem, itemSnapshot, updateItemIfUnchanged } from "../items.ts";

/** Soft delete by default (reversible); `permanent: true` removes the row and cannot be undone. */
export const deleteParameters = z.strictObject({
  permanent: z.boolean().default(false),
});

export const deleteAction = defineAction({
  type: "delete",
  target: "required",
  parametersSchema: deleteParameters,
  async execute({ tx, tenantId, targetType, targetId, parameters, now }): Promise<HandlerOutcome> {
    const item = await findLiveItem(tx, tenantId, targetType, targetId ?? 0);
    const before = itemSnapshot(item);
    if (parameters.permanent) {
      await tx.item.delete({ where: { id: item.id } });
      return { result: { itemId: item.id, permanent: true }, rollbackData: { before } };
    }
    const version = await updateItemIfUnchanged(tx, item, { deletedAt: now });
    return {
      result: { itemId: item.id, permanent: false, version, deletedAt: now.toISOString() },
      rollbackData: { before },
    };
  },
});
