import type { BlockAction, Middleware, OverflowAction, SlackActionMiddlewareArgs } from "@slack/bolt";

import { approveAndTrust, approveAndTrustInputSchema, CoreError } from "@leash/core";

import type { BotDeps } from "../../bot-deps.ts";
import type { LeashContext } from "../../leash-context.ts";
import { parseJsonAs } from "../../payload-values.ts";
import { slackActor } from "../../slack-actor.ts";

/** "Approve + auto-approve like this for N days" in a card's menu: the card is updated by the action events. */
export function approveAndTrustMenu(
  deps: BotDeps,
): Middleware<SlackActionMiddlewareArgs<BlockAction<OverflowAction>>, LeashContext> {
  return async ({ ack, body, action, context, client }) => {
    await ack();
    const input = parseJsonAs(approveAndTrustInputSchema, action.selected_option.value);
    if (!input)
      throw new CoreError("INVALID", "This menu does not name an action; it may come from an old message");
    const actor = await slackActor(deps, { context, client, body });
    await approveAndTrust(deps.core, { actor, input });
  };
}
