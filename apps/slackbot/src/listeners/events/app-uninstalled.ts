import type { Middleware, SlackEventMiddlewareArgs } from "@slack/bolt";

import { requireFirstDelivery, type LeashContext } from "../../leash-context.ts";

/** Cards stop reaching Slack once the app is gone; say so where operators look (once, however often Slack delivers it). */
export function appUninstalled(): Middleware<SlackEventMiddlewareArgs<"app_uninstalled">, LeashContext> {
  return async ({ context, logger }) => {
    await requireFirstDelivery(context);
    logger.warn(`The Slack app was uninstalled from workspace ${context.teamId ?? "?"}; approval cards cannot be posted until it is installed again`);
  };
}
