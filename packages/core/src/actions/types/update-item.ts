import { z } from "zod";

import { itemDataDescription, itemTitleSchema } from "../../items/item-data.ts";
import { diffItemStates } from "../../rollback/item-state.ts";
import { readStored } from "../../rollback/read-stored.ts";
import { defineAction } from "../action-definition.ts";
import { findLiveItem, itemSnapshot, updateItemIfUnchanged } from "../items.ts";
import { jsonObjectSchema, type JsonObject } from "../json.ts";

/** `data` fields are merged into the item's data; a field set to null is removed. */
export const updateParameters = z
  .strictObject({
    title: itemTitleSchema.optional(),
    data: z.record(z.string(), z.unknown()).optional().describe(`${itemDataDescription}; null removes a field`),
  })
  .refine((value) => value.title !== undefined || (value.data !== undefined && Object.keys(value.data).length > 0), {
    message: "update needs a title or at least one data field",
  });

const previousFields = z.object({ before: z.object({ title: z.string(), data: jsonObjectSchema }) });

export const updateAction = defineAction({
  type: "update",
  target: "required",
  parametersSchema: updateParameters,
  async execute({ tx, tenantId, targetType, targetId, parameters }) {
    const item = await findLiveItem(tx, tenantId, targetType, targetId ?? 0);
    const changes = parameters.data ?? {};
    const merged = { ...(item.data as JsonObject), ...(changes as JsonObject) };
    const data: JsonObject = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== null));
    const title = parameters.title ?? item.title;
    const version = await updateItemIfUnchanged(tx, item, { title, data });
    return {
      result: { itemId: item.id, version, after: { title, data } },
      rollbackData: { before: itemSnapshot(item) },
    };
  },
  rollback: {
    reversible: true,
    laterChanges: "item",
    async refusal({ db, original }) {
      const item = await db.item.findFirst({ where: { id: original.targetId ?? 0, tenantId: original.tenantId } });
      return item ? null : `updated ${original.targetType ?? "item"} #${original.targetId ?? "?"}, which no longer exists`;
    },
    preview({ original, item }) {
      const { before } = readStored(previousFields, original.rollbackData, `state before #${original.id}`);
      const itemAfter = item && { ...item, title: before.title, data: before.data };
      return {
        description: `restores the previous fields of ${original.targetType ?? "item"} #${original.targetId ?? "?"}`,
        changes: diffItemStates(item, itemAfter),
        itemAfter,
      };
    },
    async undo({ tx, tenantId, original }) {
      const { before } = readStored(previousFields, original.rollbackData, `state before #${original.id}`);
      const item = await findLiveItem(tx, tenantId, original.targetType, original.targetId ?? 0);
      const version = await updateItemIfUnchanged(tx, item, { title: before.title, data: before.data });
      return { result: { itemId: item.id, version, restored: { title: before.title, data: before.data } } };
    },
  },
});
