import { z } from "zod";

export const listMyNotificationsInputSchema = z.strictObject({
  limit: z.int().min(1).max(200).default(50),
});
export type ListMyNotificationsInput = z.input<typeof listMyNotificationsInputSchema>;

export const markNotificationReadInputSchema = z.strictObject({
  // An int4 id: anything larger is refused here rather than overflow in the query.
  notificationId: z.int().positive().max(2_147_483_647),
});
export type MarkNotificationReadInput = z.input<typeof markNotificationReadInputSchema>;

export const notificationViewSchema = z.object({
  id: z.int(),
  actionId: z.int().nullable(),
  subject: z.string().nullable(),
  message: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type NotificationView = z.infer<typeof notificationViewSchema>;
