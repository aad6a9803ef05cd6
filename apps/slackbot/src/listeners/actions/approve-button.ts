import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import { approveAction } from "@leash/core";

import type { BotDeps } from "../../bot-deps.ts";
import type { LeashContext } from "../../leash-context.ts";
import { actionIdOfButton } from "../../payload-values.ts";
import { slackActor } from "../../slack-actor.ts";

/** Approve on a card: decided as the clicker's Leash user; the card itself is updated by the action events. */
export function approveButton(deps: BotDeps): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack, body, action, context, client }) => {
    await ack();
    const actor = await slackActor(deps, { context, client, body });
    await approveAction(deps.core, { actor, input: { actionId: actionIdOfButton(action.value) } });
  };
}
