import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import { checkDecision, loadItemFacts } from "@leash/core";

import { rejectModal } from "../../blocks/reject-modal.ts";
import type { BotDeps } from "../../bot-deps.ts";
import type { LeashContext } from "../../leash-context.ts";
import { actionIdOfButton } from "../../payload-values.ts";
import { slackActor } from "../../slack-actor.ts";

/** Reject on a card: asks for the reason in a modal, but only someone who could decide gets one. */
export function rejectButton(deps: BotDeps): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack, body, action, context, client }) => {
    await ack();
    const actor = await slackActor(deps, { context, client, body });
    const pending = await checkDecision(deps.core, { actor, input: { actionId: actionIdOfButton(action.value) } });
    const items = await loadItemFacts(deps.core.db, actor.tenantId, [pending]);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: rejectModal(pending, items, { actionId: pending.id, channelId: body.channel?.id ?? null }),
    });
  };
}
