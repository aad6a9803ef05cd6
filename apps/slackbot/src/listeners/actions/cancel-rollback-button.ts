import type { BlockAction, ButtonAction, Middleware, SlackActionMiddlewareArgs } from "@slack/bolt";

import { requireFirstDelivery, type LeashContext } from "../../leash-context.ts";

/** Cancel on the /rollback preview: nothing was started, so only the preview goes away. */
export function cancelRollbackButton(): Middleware<SlackActionMiddlewareArgs<BlockAction<ButtonAction>>, LeashContext> {
  return async ({ ack, respond, context }) => {
    await ack();
    await requireFirstDelivery(context);
    await respond({ replace_original: true, text: "Rollback cancelled; nothing was changed." });
  };
}
