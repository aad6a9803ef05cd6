import { z } from "zod";

import { CoreError } from "../errors.ts";
import { itemDataDescription, itemDataIssues, itemTitleSchema } from "../items/item-data.ts";
import { humanField, quoted, showValue, truncate } from "../presentation/present-values.ts";
import { diffItemStates } from "../rollback/item-state.ts";
import { defineActionType } from "./action-definition.ts";
import { findLiveItem, insertItem, updateItemIfUnchanged } from "./item-store.ts";
import type { JsonObject } from "../actions/json.ts";

/** Item `data` is checked against the target type's schema (`checkParameters`). */
export const createParameters = z.strictObject({
  title: itemTitleSchema,
  data: z.record(z.string(), z.unknown()).default({}).describe(itemDataDescription),
});

export const createAction = defineActionType({
  type: "create",
  target: "new",
  parametersSchema: createParameters,
  description: "Propose creating an item (person, project, idea, admin) with a title and data.",
  actsOutside: false,
  changesItem: false,
  checkParameters: ({ targetType, parameters }) => (targetType ? itemDataIssues(targetType, parameters.data, { partial: false }) : []),
  present({ parameters, targetType }) {
    const title = typeof parameters.title === "string" ? parameters.title : "";
    const data = typeof parameters.data === "object" && parameters.data !== null && !Array.isArray(parameters.data) ? parameters.data : {};
    return {
      headline: `create ${targetType ?? "item"} ${quoted(title)}`.trim(),
      changes: [
        { field: "title", before: null, after: truncate(title) },
        ...Object.entries(data).map(([field, value]) => ({ field: humanField(field), before: null, after: showValue(value) })),
      ],
      details: [],
    };
  },
  async execute({ tx, tenantId, targetType, parameters }) {
    if (targetType === null) throw new CoreError("INVALID", "create needs a target type");
    const item = await insertItem(tx, { tenantId, kind: targetType, title: parameters.title, data: parameters.data as JsonObject });
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
    reversibility: () => ({ reversible: true, until: null, explanation: "rollback removes the created item" }),
    undoHeadline: ({ parameters, targetType }) => `remove ${targetType ?? "item"} ${quoted(typeof parameters.title === "string" ? parameters.title : "")}`.trim(),
    undone: (original) => `${original.targetType ?? "item"} removed`,
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
