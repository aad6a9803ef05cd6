import type { z } from "zod";

import { configureDelivery } from "../delivery/configure-delivery.ts";
import type { CoreDeps } from "../deps.ts";
import type { deliveryEnv, engineEnv } from "./settings-env.ts";

/** The engine and delivery settings as an app's env module parsed them. */
export type EngineSettings = z.output<z.ZodObject<typeof engineEnv & typeof deliveryEnv>>;

/** The part of CoreDeps that the settings decide. */
export type EngineDeps = Required<Pick<CoreDeps, "maxAttempts" | "maxPendingActions" | "delivery">> & Pick<CoreDeps, "connectorKey">;

/**
 * Every app builds the settings part of its CoreDeps here, so a rule governed by a setting holds
 * whichever app reaches it: an app that left one out would run that rule with core's default (a
 * rollback from Slack with 3 attempts, a template run from the console past the tenant's cap, an
 * edit in Slack refused for a channel the server has). Building the delivery opens no connection;
 * apps that do not deliver only read its channels.
 */
export function configureEngine(settings: EngineSettings): EngineDeps {
  return {
    maxAttempts: settings.ACTION_MAX_ATTEMPTS,
    maxPendingActions: settings.MAX_PENDING_ACTIONS_PER_TENANT,
    connectorKey: settings.CONNECTOR_SECRET_KEY,
    delivery: configureDelivery({
      smtpUrl: settings.SMTP_URL,
      smtpFrom: settings.SMTP_FROM,
      slackBotToken: settings.SLACK_BOT_TOKEN,
      slackApiUrl: settings.SLACK_API_URL,
    }),
  };
}
