import { z } from "zod";

import { itemDataDescription, itemDataIssues, itemTitleSchema } from "../items/item-data.ts";
import { humanField, showValue, truncate } from "../presentation/present-values.ts";
import { diffItemStates } from "../rollback/item-state.ts";
import { readStored } from "../rollback/read-stored.ts";
import { defineActionType } from "./action-definition.ts";
import { findLiveItem, itemSnapshot, mergeIntoLiveItem, updateItemIfUnchanged } from "./item-store.ts";
import { jsonObjectSchema } from "../actions/json.ts";

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

export const updateAction = defineActionType({
  type: "update",
  target: "required",
  parametersSchema: updateParameters,
  description: "Propose changing fields of an existing item.",
  actsOutside: false,
  changesItem: "item",
  checkParameters: ({ targetType, parameters }) => (targetType ? itemDataIssues(targetType, parameters.data, { partial: true }) : []),
  present({ parameters, targetId, targetLabel, items }) {
    const item = targetId !== null ? items.get(targetId) : undefined;
    const data = typeof parameters.data === "object" && parameters.data !== null && !Array.isArray(parameters.data) ? parameters.data : {};
    return {
      headline: `update ${targetLabel ?? "item"}`,
      changes: [
        ...(typeof parameters.title === "string" ? [{ field: "title", before: item?.title ?? null, after: truncate(parameters.title) }] : []),
        ...Object.entries(data).map(([field, value]) => ({ field: humanField(field), before: showValue(item?.data[field]), after: showValue(value) })),
      ],
      details: [],
    };
  },
  async execute({ tx, tenantId, targetType, targetId, parameters, now }) {
    const { before, after } = await mergeIntoLiveItem(
      tx,
      { tenantId, kind: targetType, id: targetId ?? 0 },
      { title: parameters.title, changes: parameters.data ?? {}, now },
    );
    return {
      result: { itemId: before.id, version: after.version, after: { title: after.title, data: after.data } },
      rollbackData: { before: itemSnapshot(before) },
    };
  },
  rollback: {
    reversible: true,
    laterChanges: "item",
    reversibility: () => ({ reversible: true, until: null, explanation: "rollback restores the previous fields" }),
    undoHeadline: ({ targetLabel }) => `restore the previous fields of ${targetLabel ?? "item"}`,
    undone: (original) => `${original.targetType ?? "item"} restored`,
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
