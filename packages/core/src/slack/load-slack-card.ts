import { systemActor } from "../actor.ts";
import type { ActionEventView, ActionView } from "../actions/action-view.ts";
import { getAction } from "../actions/get-action.ts";
import type { CoreDeps } from "../deps.ts";
import type { JsonObject, JsonValue } from "../actions/json.ts";
import { isCoreError } from "../errors.ts";
import { loadItemFacts, type ItemFacts } from "../presentation/action-presentation.ts";

/** Everything the Slack bot shows on an action's approval card, and where the card is. */
export interface SlackCard {
  tenant: { id: string; slug: string; name: string };
  /** The Slack workspace the tenant is linked to. */
  teamId: string;
  /** Where the card was posted, or where it goes when it has not been posted yet. */
  channelId: string;
  /** The posted card's message ts; null until it is posted. */
  messageTs: string | null;
  action: ActionView & { timeline: ActionEventView[] };
  items: Map<number, ItemFacts>;
  /** The undo action, once the action was rolled back. */
  undoAction: (ActionView & { timeline: ActionEventView[] }) | null;
}

const isObject = (value: JsonValue | undefined): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Once an update or delete ran, its target holds the new state; the card keeps showing the change
 * from the state the action found, which it saved as `rollbackData.before`.
 */
function asFoundByAction(action: ActionView, items: Map<number, ItemFacts>): Map<number, ItemFacts> {
  const stored = isObject(action.rollbackData) ? action.rollbackData.before : undefined;
  const current = action.targetId !== null ? items.get(action.targetId) : undefined;
  if (!current || !isObject(stored)) return items;
  const before: ItemFacts = {
    ...current,
    title: typeof stored.title === "string" ? stored.title : current.title,
    data: isObject(stored.data) ? stored.data : current.data,
  };
  return new Map(items).set(current.id, before);
}

/**
 * Reads an action's card as it is now. Null when there is nothing to show: the tenant has no
 * Slack workspace any more, or the action is gone.
 */
export async function loadSlackCard(deps: Pick<CoreDeps, "db">, { tenantId, actionId }: { tenantId: string; actionId: number }): Promise<SlackCard | null> {
  const workspace = await deps.db.slackWorkspace.findUnique({ where: { tenantId }, include: { tenant: true } });
  if (!workspace) return null;
  const reader = systemActor(tenantId, "slack");
  const read = (id: number) =>
    getAction(deps, { actor: reader, input: { actionId: id } }).catch((error: unknown) => {
      if (isCoreError(error) && error.code === "NOT_FOUND") return null;
      throw error;
    });
  const action = await read(actionId);
  if (!action) return null;
  const message = await deps.db.agentAction.findUniqueOrThrow({ where: { id: actionId }, select: { slackChannelId: true, slackMessageTs: true } });
  const undoAction = action.rollbackActionId !== null ? await read(action.rollbackActionId) : null;
  return {
    tenant: { id: workspace.tenant.id, slug: workspace.tenant.slug, name: workspace.tenant.name },
    teamId: workspace.teamId,
    channelId: message.slackChannelId ?? workspace.approvalChannelId,
    messageTs: message.slackMessageTs,
    action,
    items: asFoundByAction(action, await loadItemFacts(deps.db, tenantId, [action])),
    undoAction,
  };
}
