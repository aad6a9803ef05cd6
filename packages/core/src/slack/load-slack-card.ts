import { systemActor } from "../actor.ts";
import { approvalsInclude } from "../decisions/action-approvals.ts";
import { toActionEventView, toActionView, type ActionEventView, type ActionView } from "../actions/action-view.ts";
import { getAction } from "../actions/get-action.ts";
import type { CoreDeps } from "../deps.ts";
import { isCoreError } from "../errors.ts";
import { loadItemFacts } from "../presentation/action-presentation.ts";
import { onBatchCard } from "./find-slack-card-key.ts";
import type { ItemFacts } from "../presentation/present-values.ts";

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
  /** The undo action, once a rollback was asked for: the live or executed one, else the last one, which ended without running. */
  undoAction: (ActionView & { timeline: ActionEventView[] }) | null;
  /**
   * The batch or template run the action belongs to, when two or more of its actions wait for
   * people: they share one card, which shows them all (and `channelId` / `messageTs` are its).
   */
  batch: { id: string; members: (ActionView & { timeline: ActionEventView[] })[]; items: Map<number, ItemFacts> } | null;
}

/** The undo named by the action's last `rollback_requested`: after a failed or cancelled one, the action no longer names it. */
function lastUndoAskedFor(timeline: readonly ActionEventView[]): number | null {
  const details = timeline.findLast((event) => event.type === "rollback_requested")?.details;
  const id = details && typeof details === "object" && !Array.isArray(details) ? details.undoActionId : undefined;
  return typeof id === "number" ? id : null;
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
  const undoId = action.rollbackActionId ?? lastUndoAskedFor(action.timeline);
  const undoAction = undoId !== null ? await read(undoId) : null;
  const batchRows = onBatchCard(action)
    ? await deps.db.agentAction.findMany({
        where: { tenantId, batchId: action.batchId, requiresApproval: true },
        include: approvalsInclude,
        orderBy: { id: "asc" },
      })
    : [];
  let batch: SlackCard["batch"] = null;
  let shown: { slackChannelId: string | null; slackMessageTs: string | null } = message;
  if (action.batchId !== null && batchRows.length >= 2) {
    // Two queries for the whole batch, however many actions it holds.
    const events = await deps.db.actionEvent.findMany({ where: { tenantId, actionId: { in: batchRows.map((row) => row.id) } }, orderBy: { id: "asc" } });
    const members = batchRows.map((row) => ({
      ...toActionView(row),
      timeline: events.filter((event) => event.actionId === row.id).map(toActionEventView),
    }));
    batch = { id: action.batchId, members, items: await loadItemFacts(deps.db, tenantId, members) };
    shown = batchRows.find((row) => row.slackMessageTs !== null) ?? message;
  }
  return {
    tenant: { id: workspace.tenant.id, slug: workspace.tenant.slug, name: workspace.tenant.name },
    teamId: workspace.teamId,
    channelId: shown.slackChannelId ?? workspace.approvalChannelId,
    messageTs: shown.slackMessageTs,
    batch,
    action,
    items: await loadItemFacts(deps.db, tenantId, [action]),
    undoAction,
  };
}
