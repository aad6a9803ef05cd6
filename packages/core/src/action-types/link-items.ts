import { z } from "zod";

import { targetTypeSchema } from "../items/target-type.ts";
import { int4IdSchema } from "../actions/storable.ts";
import { CoreError } from "../errors.ts";
import { readStored } from "../rollback/read-stored.ts";
import { quoted, showParameter } from "../presentation/present-values.ts";
import { defineActionType } from "./action-definition.ts";
import { linkLiveItems } from "./item-store.ts";

/** Links the target item to another item, e.g. person --works_on--> project. */
export const linkParameters = z.strictObject({
  toType: targetTypeSchema,
  toId: int4IdSchema,
  relation: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\p{L}\p{N}_ -]+$/u, "must use only letters, digits, spaces, _ and -"),
});

const madeLink = z.object({ linkId: z.int(), fromId: z.int(), toId: z.int(), relation: z.string() });

export const linkAction = defineActionType({
  type: "link",
  target: "required",
  parametersSchema: linkParameters,
  description: "Propose linking an item to another with a relation name.",
  actsOutside: false,
  changesItem: "links",
  referencedItems(parameters) {
    const toType = targetTypeSchema.safeParse(parameters.toType);
    return toType.success && typeof parameters.toId === "number" ? [{ kind: toType.data, id: parameters.toId }] : [];
  },
  present({ parameters, targetType, targetId, targetLabel, items }) {
    const item = targetId !== null ? items.get(targetId) : undefined;
    const to = typeof parameters.toId === "number" ? items.get(parameters.toId) : undefined;
    const toLabel = to ? `${to.title} (${to.kind})` : `${showParameter(parameters.toType)} #${showParameter(parameters.toId)}`;
    const fromLabel = item ? `${item.title} (${item.kind})` : `${targetType ?? "item"} #${targetId ?? "?"}`;
    const relation = typeof parameters.relation === "string" ? parameters.relation.replaceAll("_", " ") : "linked to";
    return {
      headline: `link ${targetLabel ?? "item"} to ${to ? `${to.kind} ${quoted(to.title)}` : toLabel}`,
      changes: [{ field: relation, before: null, after: toLabel }],
      details: [`${fromLabel} -- ${relation} -> ${toLabel}`],
    };
  },
  async execute({ tx, tenantId, targetType, targetId, parameters }) {
    const { from, to, linkId } = await linkLiveItems(tx, {
      tenantId,
      from: { kind: targetType, id: targetId ?? 0 },
      to: { kind: parameters.toType, id: parameters.toId },
      relation: parameters.relation,
    });
    return {
      result: { linkId, fromId: from.id, toId: to.id, relation: parameters.relation },
      rollbackData: { linkId },
    };
  },
  rollback: {
    reversible: true,
    laterChanges: "none",
    reversibility: () => ({ reversible: true, until: null, explanation: "rollback removes the link" }),
    undoHeadline: ({ targetLabel }) => `remove a link from ${targetLabel ?? "item"}`,
    undone: () => "link removed",
    async refusal({ db, original }) {
      const { linkId } = readStored(madeLink, original.result, `result of #${original.id}`);
      const link = await db.link.findFirst({ where: { id: linkId, tenantId: original.tenantId } });
      return link ? null : "made a link that no longer exists (an item it joined was deleted permanently)";
    },
    preview({ original, item }) {
      const link = readStored(madeLink, original.result, `result of #${original.id}`);
      const sentence = `#${link.fromId} -- ${link.relation} -> #${link.toId}`;
      return { description: `removes the link ${sentence}`, changes: [{ field: "link", current: sentence, restored: null }], itemAfter: item };
    },
    async undo({ tx, tenantId, original }) {
      const link = readStored(madeLink, original.result, `result of #${original.id}`);
      const { count } = await tx.link.deleteMany({ where: { id: link.linkId, tenantId } });
      if (count === 0) throw new CoreError("NOT_FOUND", `The link #${link.fromId} -- ${link.relation} -> #${link.toId} no longer exists`);
      return { result: { linkId: link.linkId, removed: true } };
    },
  },
});
