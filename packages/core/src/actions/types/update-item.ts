import { z } from "zod";

import { itemTitleSchema } from "../../items/item-data.ts";
import { defineAction } from "../action-definition.ts";
import { findLiveItem, itemSnapshot, updateItemIfUnchanged } from "../items.ts";
import type { JsonObject } from "../json.ts";

/** `data` fields are merged into the item's data; a field set to null is removed. */
export const updateParameters = z
  .strictObject({
    title: itemTitleSchema.optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((value) => value.title !== undefined || (value.data !== undefined && Object.keys(value.data).length > 0), {
    message: "update needs a title or at least one data field",
  });

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
});
