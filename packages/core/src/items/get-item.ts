import { z } from "zod";

import type { TargetType } from "@leash/db";

import { approvalsInclude } from "../decisions/action-approvals.ts";
import { toActionView, type ActionView } from "../actions/action-view.ts";
import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { toItemView, type ItemView } from "./item-view.ts";

export const getItemInputSchema = z.strictObject({ itemId: z.int().positive().max(2_147_483_647) });
export type GetItemInput = z.input<typeof getItemInputSchema>;

export interface ItemLinkView {
  id: number;
  relation: string;
  /** `outgoing`: this item -- relation -> other; `incoming`: other -- relation -> this item. */
  direction: "outgoing" | "incoming";
  other: { id: number; kind: TargetType; title: string; deleted: boolean };
  createdAt: string;
}

export interface ItemDetail {
  item: ItemView;
  links: ItemLinkView[];
  /** The actions that targeted the item or linked something to it, newest first. */
  actions: ActionView[];
}

const MAX_ACTIONS = 200;

/** One item with its links and the actions that touched it, so a person sees what happened to it. */
export async function getItem(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: GetItemInput }): Promise<ItemDetail> {
  assertCan(actor, "action.read");
  const { itemId } = parseInput(getItemInputSchema, input, "item reference");
  const item = await deps.db.item.findFirst({ where: { id: itemId, tenantId: actor.tenantId } });
  if (!item) throw new CoreError("NOT_FOUND", `No item #${itemId}`);
  const [outgoing, incoming, actions] = await Promise.all([
    deps.db.link.findMany({ where: { tenantId: actor.tenantId, fromId: itemId }, include: { to: true }, orderBy: { id: "asc" } }),
    deps.db.link.findMany({ where: { tenantId: actor.tenantId, toId: itemId }, include: { from: true }, orderBy: { id: "asc" } }),
    deps.db.agentAction.findMany({
      where: {
        tenantId: actor.tenantId,
        OR: [{ targetId: itemId }, { actionType: "link", parameters: { path: ["toId"], equals: itemId } }],
      },
      include: approvalsInclude,
      orderBy: { id: "desc" },
      take: MAX_ACTIONS,
    }),
  ]);
  const other = (linked: { id: number; kind: TargetType; title: string; deletedAt: Date | null }) => ({
    id: linked.id,
    kind: linked.kind,
    title: linked.title,
    deleted: linked.deletedAt !== null,
  });
  return {
    item: toItemView(item),
    links: [
      ...outgoing.map((link) => ({ id: link.id, relation: link.relation, direction: "outgoing" as const, other: other(link.to), createdAt: link.createdAt.toISOString() })),
      ...incoming.map((link) => ({ id: link.id, relation: link.relation, direction: "incoming" as const, other: other(link.from), createdAt: link.createdAt.toISOString() })),
    ],
    actions: actions.map(toActionView),
  };
}
