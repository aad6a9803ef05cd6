import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import type { LeashContext } from "../../leash-context.ts";

/** A link button still sends its click to the app, which must answer or Slack shows an error. */
export function openInConsoleButton(): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack }) => {
    await ack();
  };
}
