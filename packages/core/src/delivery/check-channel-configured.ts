import { CoreError } from "../errors.ts";
import type { NotificationChannel } from "./notification-channels.ts";

// What a server without the channel is missing; in_app needs nothing and is always configured.
const settingOf: Record<Exclude<NotificationChannel, "in_app">, string> = { email: "SMTP_URL", slack: "SLACK_BOT_TOKEN" };

/** The refusal of a channel this server has no settings for, naming the setting. */
export function channelNotConfigured(channel: Exclude<NotificationChannel, "in_app">): CoreError {
  const message = `${channel} is not configured on this server: set ${settingOf[channel]}`;
  return new CoreError("INVALID", message, { issues: [{ path: ["parameters", "channel"], message }] });
}

/**
 * Refuses, when an action is proposed, a channel this server cannot deliver on: a proposal that
 * would be accepted only to fail in the worker is refused at once, saying what to set.
 */
export function checkChannelConfigured(channels: readonly NotificationChannel[], channel: NotificationChannel): void {
  if (channel !== "in_app" && !channels.includes(channel)) throw channelNotConfigured(channel);
}
