import { z } from "zod";

import { defineActionType, findLiveItem, itemSnapshot, quoted, updateItemIfUnchanged } from "../index.ts";

const before = z.object({ before: z.object({ title: z.string() }) });

/**
 * An action type that is not built in, defined in this one file as a team would write its own:
 * the tests register it (or load it with LEASH_ACTION_TYPES) and use it through every medium.
 */
export const renameItemActionType = defineActionType({
  type: "rename_item",
  target: "required",
  parametersSchema: z.strictObject({ title: z.string().trim().min(1).max(200) }),
  description: "Propose giving an item a new title.",
  changesItem: "item",
  present: ({ parameters, targetId, targetLabel, items }) => ({
    headline: `rename ${targetLabel ?? "item"} to ${quoted(typeof parameters.title === "string" ? parameters.title : "?")}`,
    changes: [{ field: "title", before: (targetId !== null ? items.get(targetId)?.title : undefined) ?? null, after: typeof parameters.title === "string" ? parameters.title : null }],
    details: [],
  }),
  async execute({ tx, tenantId, targetType, targetId, parameters }) {
    const item = await findLiveItem(tx, tenantId, targetType, targetId ?? 0);
    const version = await updateItemIfUnchanged(tx, item, { title: parameters.title });
    return { result: { itemId: item.id, title: parameters.title, version }, rollbackData: { before: itemSnapshot(item) } };
  },
  rollback: {
    reversible: true,
    laterChanges: "item",
    reversibility: () => ({ reversible: true, until: null, explanation: "rollback gives back the old title" }),
    undone: (original) => `${original.targetType ?? "item"} renamed back`,
    async refusal({ db, original }) {
      const item = await db.item.findFirst({ where: { id: original.targetId ?? 0, tenantId: original.tenantId, deletedAt: null } });
      return item ? null : `renamed ${original.targetType ?? "item"} #${original.targetId ?? "?"}, which no longer exists`;
    },
    preview({ original, item }) {
      const old = before.parse(original.rollbackData).before.title;
      return {
        description: `gives ${original.targetType ?? "item"} #${original.targetId ?? "?"} its old title back`,
        changes: [{ field: "title", current: item?.title ?? null, restored: old }],
        itemAfter: item && { ...item, title: old },
      };
    },
    async undo({ tx, tenantId, original }) {
      const old = before.parse(original.rollbackData).before.title;
      const item = await findLiveItem(tx, tenantId, original.targetType, original.targetId ?? 0);
      const version = await updateItemIfUnchanged(tx, item, { title: old });
      return { result: { itemId: item.id, title: old, version } };
    },
  },
});
