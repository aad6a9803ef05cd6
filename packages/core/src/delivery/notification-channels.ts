/** The channels a `notify` action and a fired reminder are delivered on. */
export const notificationChannels = ["email", "slack", "in_app"] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export function isNotificationChannel(value: string): value is NotificationChannel {
  return (notificationChannels as readonly string[]).includes(value);
}
