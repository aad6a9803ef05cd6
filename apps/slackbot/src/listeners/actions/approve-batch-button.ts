import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import { decideBatch } from "@leash/core";

import { leftOutOf } from "../../blocks/batch-card.ts";
import type { BotDeps } from "../../bot-deps.ts";
import type { LeashContext } from "../../leash-context.ts";
import { replyEphemeral } from "../../reply-ephemeral.ts";
import { slackActor } from "../../slack-actor.ts";

/** Approve batch on a batch card: every waiting action but the ones chosen in its menu; what core refuses is told to the clicker. */
export function approveBatchButton(
  deps: BotDeps,
): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack, body, action, context, client }) => {
    await ack();
    const actor = await slackActor(deps, { context, client, body });
    const result = await decideBatch(deps.core, {
      actor,
      input: {
        batchId: action.value ?? "",
        decision: "approve",
        excludeActionIds: leftOutOf(body.state?.values),
      },
    });
    if (result.refused.length > 0)
      await replyEphemeral(deps.slack, body, result.refused.map((refusal) => refusal.message).join("\n"));
  };
}
