import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import { assertCan } from "@leash/core";

import { batchRejectModal, leftOutOf } from "../../blocks/batch-card.ts";
import type { BotDeps } from "../../bot-deps.ts";
import type { LeashContext } from "../../leash-context.ts";
import { slackActor } from "../../slack-actor.ts";

/** Reject batch on a batch card: asks for the reason in a modal, only of someone who may decide. */
export function rejectBatchButton(
  deps: BotDeps,
): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack, body, action, context, client }) => {
    await ack();
    const actor = await slackActor(deps, { context, client, body });
    assertCan(actor, "action.decide");
    await client.views.open({
      trigger_id: body.trigger_id,
      view: batchRejectModal({
        batchId: action.value ?? "",
        excludeActionIds: leftOutOf(body.state?.values),
        channelId: body.channel?.id ?? null,
      }),
    });
  };
}
