import type { Middleware, SlackCommandMiddlewareArgs } from "@slack/bolt";

import { can, CoreError, getAction, loadItemFacts, previewRollback } from "@leash/core";

import { rollbackPreviewMessage, type RollbackRequest } from "../../blocks/rollback-preview.ts";
import type { BotDeps } from "../../bot-deps.ts";
import { requireWorkspace, type LeashContext } from "../../leash-context.ts";
import { slackActor } from "../../slack-actor.ts";

const usage = "Usage: `/rollback <action id> [cascade]`, e.g. `/rollback 4211`";

function parseCommandText(text: string): RollbackRequest {
  const match = /^\s*#?(\d{1,10})(?:\s+(cascade))?\s*$/i.exec(text);
  const actionId = Number(match?.[1]);
  if (!match || !Number.isSafeInteger(actionId) || actionId < 1 || actionId > 2_147_483_647) throw new CoreError("INVALID", usage);
  return { actionId, cascade: match[2] !== undefined };
}

/**
 * `/rollback <id> [cascade]`: answers only the person who asked, with the preview and Confirm /
 * Cancel; someone who may not roll back (the permission rollbackAction asks for) gets no Confirm.
 */
export function rollbackCommand(deps: BotDeps): Middleware<SlackCommandMiddlewareArgs, LeashContext> {
  return async ({ ack, body, command, context, client, respond }) => {
    await ack();
    const request = parseCommandText(command.text);
    const actor = await slackActor(deps, { context, client, body });
    const preview = await previewRollback(deps.core, { actor, input: request });
    const action = await getAction(deps.core, { actor, input: { actionId: request.actionId } });
    const items = await loadItemFacts(deps.core.db, actor.tenantId, [action]);
    const reader = { mayRollBack: can(actor, "action.roll_back"), tenantName: (await requireWorkspace(context)).tenant.name };
    await respond({ response_type: "ephemeral", ...rollbackPreviewMessage(preview, action, items, reader) });
  };
}
