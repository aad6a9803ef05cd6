import type { Clock } from "../clock.ts";
import { createEmailSender } from "./create-email-sender.ts";
import { createNotificationDelivery, type NotificationDelivery } from "./create-notification-delivery.ts";
import { createSlackSender } from "./create-slack-sender.ts";

export interface DeliverySettings {
  smtpUrl?: string | undefined;
  smtpFrom: string;
  slackBotToken?: string | undefined;
  slackApiUrl?: string | undefined;
  clock?: Clock;
}

/**
 * The delivery every app builds from its environment (SMTP_URL, SMTP_FROM, SLACK_BOT_TOKEN,
 * SLACK_API_URL): the worker delivers with it, the API and the console read its channels to refuse
 * a proposal for a channel the server does not have. Building it opens no connection.
 */
export function configureDelivery({ smtpUrl, smtpFrom, slackBotToken, slackApiUrl, clock }: DeliverySettings): NotificationDelivery {
  return createNotificationDelivery({
    email: smtpUrl ? createEmailSender({ smtpUrl, from: smtpFrom }) : undefined,
    slack: slackBotToken ? createSlackSender({ token: slackBotToken, apiUrl: slackApiUrl }) : undefined,
    ...(clock ? { clock } : {}),
  });
}
