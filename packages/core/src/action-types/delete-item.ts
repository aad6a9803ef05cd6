import { z } from "zod";

import { CoreError } from "../errors.ts";
import { diffItemStates } from "../rollback/item-state.ts";
import { readStored } from "../rollback/read-stored.ts";
import { humanField, showValue, truncate } from "../presentation/present-values.ts";
import { defineActionType, type HandlerOutcome } from "./action-definition.ts";
import { findLiveItem, itemSnapshot, updateItemIfUnchanged } from "./item-store.ts";

/** Soft delete by default (reversible); `permanent: true` removes the row and cannot be undone. */
export const deleteParameters = z.strictObject({
  permanent: z.boolean().default(false),
});

const deletion = z.object({ permanent: z.boolean() });

export const deleteAction = defineActionType({
  type: "delete",
  target: "required",
  parametersSchema: deleteParameters,
  description: "Propose deleting an item (soft by default; permanent: true cannot be rolled back).",
  changesItem: "item",
  destructive: true,
  actsOutside: false,
  present({ parameters, targetId, targetLabel, items }) {
    const item = targetId !== null ? items.get(targetId) : undefined;
    return {
      headline: `${parameters.permanent === true ? "permanently delete" : "delete"} ${targetLabel ?? "item"}`,
      changes: item
        ? [
            { field: "title", before: truncate(item.title), after: null },
            ...Object.entries(item.data).map(([field, value]) => ({ field: humanField(field), before: showValue(value), after: null })),
          ]
        : [],
      details: [],
    };
  },
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
  rollback: {
    reversible: true,
    laterChanges: "item",
    reversibility: (parameters) =>
      parameters.permanent === true
        ? { reversible: false, until: null, explanation: "a permanent delete cannot be undone" }
        : { reversible: true, until: null, explanation: "rollback restores the item" },
    undoHeadline: ({ targetLabel }) => `restore ${targetLabel ?? "item"}`,
    undone: (original) => `${original.targetType ?? "item"} restored`,
    async refusal({ db, original }) {
      const label = `${original.targetType ?? "item"} #${original.targetId ?? "?"}`;
      if (readStored(deletion, original.result, `result of #${original.id}`).permanent) {
        return `deleted ${label} permanently; it cannot be restored`;
      }
      const item = await db.item.findFirst({ where: { id: original.targetId ?? 0, tenantId: original.tenantId } });
      return item ? null : `deleted ${label}, which no longer exists`;
    },
    preview({ original, item }) {
      const itemAfter = item && { ...item, deleted: false };
      return {
        description: `restores ${original.targetType ?? "item"} #${original.targetId ?? "?"}`,
        changes: diffItemStates(item, itemAfter),
        itemAfter,
      };
    },
    async undo({ tx, tenantId, original }) {
      const label = `${original.targetType ?? "item"} #${original.targetId ?? "?"}`;
      const item = await tx.item.findFirst({ where: { id: original.targetId ?? 0, tenantId } });
      if (!item) throw new CoreError("NOT_FOUND", `${label} no longer exists`);
      if (item.deletedAt === null) throw new CoreError("CONFLICT", `${label} is not deleted any more`);
      const version = await updateItemIfUnchanged(tx, item, { deletedAt: null });
      return { result: { itemId: item.id, restored: true, version } };
    },
  },
});
