import type {
  BlockAction,
  Middleware,
  MultiStaticSelectAction,
  SlackActionMiddlewareArgs,
} from "@slack/bolt";

import type { LeashContext } from "../../leash-context.ts";

/** Choosing what to leave out changes nothing yet: the choice travels with the Approve / Reject batch click. */
export function batchLeaveOutSelect(): Middleware<
  SlackActionMiddlewareArgs<BlockAction<MultiStaticSelectAction>>,
  LeashContext
> {
  return async ({ ack }) => {
    await ack();
  };
}
