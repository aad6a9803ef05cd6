import type { AgentAction } from "@leash/db";

import type { CoreDeps } from "../deps.ts";
import type { ActionEventPayload } from "../queue/queue-definitions.ts";
import { publishActionChanges } from "./publish-action-changes.ts";

type Changed = Pick<AgentAction, "id" | "tenantId" | "requiresApproval"> & { rollbackOfId?: number | null };

/**
 * Tells the Slack bot, after a change committed, that actions it shows changed. Only actions that
 * wait for a person have a card, and only tenants with a linked Slack workspace have somewhere to
 * show it: everything else is skipped before touching the database or Redis, which keeps the
 * auto-approved path free of it. Undo actions have no card of their own: that one was requested,
 * failed or was cancelled is news for the card of the action it undoes (`rollback_requested`,
 * `rolled_back`: its rollback is over). A failure to publish is logged and never fails the
 * caller's request: the change itself has committed.
 *
 * Every change published here also wakes the actions' waiters first (`publishActionChanges`), Slack
 * card or not, so each writer's one call after its commit covers both. A proposal is the exception:
 * nobody can be waiting on an action before its proposal has answered with its id.
 */
export async function publishActionEvents(
  deps: Pick<CoreDeps, "db" | "queue" | "logger">,
  actions: readonly Changed[],
  type: ActionEventPayload["type"],
  /**
   * `linkedTenantIds`: which of the actions' tenants have a linked Slack workspace (these and no
   * other), when the caller's own statement already read it; looked up here when omitted.
   */
  known: { linkedTenantIds?: readonly string[] } = {},
): Promise<void> {
  const forOriginal: ActionEventPayload["type"] | null = type === "failed" || type === "cancelled" ? "rolled_back" : type === "rollback_requested" ? type : null;
  const undoneIds = forOriginal ? actions.flatMap((action) => (action.rollbackOfId ? [action.rollbackOfId] : [])) : [];
  // The wake-up goes out first; the cards' events are looked up meanwhile rather than after its reply.
  await Promise.all([
    type !== "proposed" ? publishActionChanges(deps, [...actions.map((action) => action.id), ...undoneIds]) : undefined,
    publishCardEvents(deps, actions, type, { forOriginal, undoneIds, linkedTenantIds: known.linkedTenantIds }),
  ]);
}

async function publishCardEvents(
  deps: Pick<CoreDeps, "db" | "queue" | "logger">,
  actions: readonly Changed[],
  type: ActionEventPayload["type"],
  {
    forOriginal,
    undoneIds,
    linkedTenantIds,
  }: { forOriginal: ActionEventPayload["type"] | null; undoneIds: readonly number[]; linkedTenantIds: readonly string[] | undefined },
): Promise<void> {
  const shown = actions.filter((action) => action.requiresApproval);
  if (shown.length === 0 && undoneIds.length === 0) return;
  try {
    const undone = undoneIds.length
      ? await deps.db.agentAction.findMany({ where: { id: { in: [...undoneIds] }, requiresApproval: true }, select: { id: true, tenantId: true } })
      : [];
    const events: ActionEventPayload[] = [
      ...shown.map((action) => ({ tenantId: action.tenantId, actionId: action.id, type })),
      ...undone.map((action) => ({ tenantId: action.tenantId, actionId: action.id, type: forOriginal ?? type })),
    ];
    if (events.length === 0) return;
    const withSlack = new Set(linkedTenantIds ?? (await linkedTenants(deps, events)));
    await deps.queue.publishActionEvents(events.filter((event) => withSlack.has(event.tenantId)));
  } catch (error) {
    deps.logger.warn({ err: error, actionIds: actions.map((action) => action.id), type }, "action event not published; its Slack card may lag");
  }
}

async function linkedTenants(deps: Pick<CoreDeps, "db">, events: readonly ActionEventPayload[]): Promise<string[]> {
  const tenantIds = [...new Set(events.map((event) => event.tenantId))];
  const linked = await deps.db.slackWorkspace.findMany({ where: { tenantId: { in: tenantIds } }, select: { tenantId: true } });
  return linked.map((workspace) => workspace.tenantId);
}
