import { z } from "zod";

import { CoreError } from "../../errors.ts";
import { itemDataDescription, itemTitleSchema } from "../../items/item-data.ts";
import { diffItemStates } from "../../rollback/item-state.ts";
import { defineAction } from "../action-definition.ts";
import { findLiveItem, updateItemIfUnchanged } from "../items.ts";
import type { JsonObject } from "../json.ts";

/** Item `data` is checked against the target type's schema by the proposal schema. */
export const createParameters = z.strictObject({
  title: itemTitleSchema,
  data: z.record(z.string(), z.unknown()).default({}).describe(itemDataDescription),
});

export const createAction = defineAction({
  type: "create",
  target: "new",
  parametersSchema: createParameters,
  async execute({ tx, tenantId, targetType, parameters }) {
    if (targetType === null) throw new CoreError("INVALID", "create needs a target type");
    const item = await tx.item.create({
      data: { tenantId, kind: targetType, title: parameters.title, data: parameters.data as JsonObject },
    });
    return {
      result: { itemId: item.id, kind: item.kind, title: item.title, version: item.version },
      rollbackData: { before: null },
      targetId: item.id,
    };
  },
  // Undoing a create is a soft delete: the item leaves every list but stays in the history.
  rollback: {
    reversible: true,
    laterChanges: "item_and_links",
    async refusal({ db, original }) {
      const item = await db.item.findFirst({ where: { id: original.targetId ?? 0, tenantId: original.tenantId } });
      return item ? null : `created ${original.targetType ?? "item"} #${original.targetId ?? "?"}, which no longer exists`;
    },
    preview({ original, item }) {
      const itemAfter = item && { ...item, deleted: true };
      return {
        description: `removes ${original.targetType ?? "item"} #${original.targetId ?? "?"} (it stays in the history)`,
        changes: diffItemStates(item, itemAfter),
        itemAfter,
      };
    },
    async undo({ tx, tenantId, original, now }) {
      const item = await findLiveItem(tx, tenantId, original.targetType, original.targetId ?? 0);
      const version = await updateItemIfUnchanged(tx, item, { deletedAt: now });
      return { result: { itemId: item.id, removed: true, version } };
    },
  },
});
