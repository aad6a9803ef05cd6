import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import { CoreError, loadSlackCard, rollbackAction } from "@leash/core";

import { rollbackRequestSchema } from "../../blocks/rollback-preview.ts";
import type { BotDeps } from "../../bot-deps.ts";
import { consoleUrl, escapeText } from "../../blocks/format.ts";
import type { LeashContext } from "../../leash-context.ts";
import { parseJsonAs } from "../../payload-values.ts";
import { slackActor } from "../../slack-actor.ts";

/**
 * Confirm on the /rollback preview: starts the rollback as the person who confirmed. The undo runs
 * on the worker; its outcome goes to the thread of the action's approval card, if it has one.
 */
export function confirmRollbackButton(deps: BotDeps): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack, action, body, context, client, respond }) => {
    await ack();
    const request = parseJsonAs(rollbackRequestSchema, action.value);
    if (!request) throw new CoreError("INVALID", "This button does not name a rollback; run /rollback again");
    const actor = await slackActor(deps, { context, client, body });
    await respond({ replace_original: true, text: `Rolling back #${request.actionId}…` });
    const { undoActions, suspendedAutoApprovals } = await rollbackAction(deps.core, { actor, input: { ...request, confirm: true } });
    const undone = undoActions.map((undo) => `#${undo.id}`).join(", ");
    const card = await loadSlackCard(deps.core, { tenantId: actor.tenantId, actionId: request.actionId });
    const where = card?.messageTs
      ? "the result will be posted in the thread of its approval message"
      : `follow it in the console: ${consoleUrl(deps.webBaseUrl, request.actionId)}`;
    const suspended = suspendedAutoApprovals.map((sentence) => ` ${escapeText(sentence)}`).join("");
    await respond({ replace_original: true, text: `Rolling back #${request.actionId} (undo action ${undone}); ${where}.${suspended}` });
  };
}
