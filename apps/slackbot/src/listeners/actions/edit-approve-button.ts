import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import { checkApproval, loadItemFacts } from "@leash/core";

import { editApproveModal } from "../../blocks/edit-approve-modal.ts";
import type { BotDeps } from "../../bot-deps.ts";
import type { LeashContext } from "../../leash-context.ts";
import { actionIdOfButton } from "../../payload-values.ts";
import { slackActor } from "../../slack-actor.ts";

/** Edit & approve on a card: opens the parameters in a modal, but only for someone who could approve. */
export function editApproveButton(deps: BotDeps): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack, body, action, context, client }) => {
    await ack();
    const actor = await slackActor(deps, { context, client, body });
    const pending = await checkApproval(deps.core, { actor, input: { actionId: actionIdOfButton(action.value) } });
    const items = await loadItemFacts(deps.core.db, actor.tenantId, [pending]);
    await client.views.open({
      trigger_id: body.trigger_id,
      view: editApproveModal(pending, items, { actionId: pending.id, channelId: body.channel?.id ?? null }),
    });
  };
}
