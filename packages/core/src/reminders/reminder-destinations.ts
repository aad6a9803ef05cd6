import type { DbTransaction, Reminder } from "@leash/db";

import type { NotificationChannel } from "../delivery/notification-channels.ts";
import { findRecipientUser } from "../delivery/find-recipient-user.ts";
import { slackChannelIdSchema, slackUserIdSchema } from "../slack/slack-inputs.ts";

export interface ReminderDestination {
  channel: NotificationChannel;
  recipient: string;
}

const isSlackId = (recipient: string) => slackChannelIdSchema.safeParse(recipient).success || slackUserIdSchema.safeParse(recipient).success;

/**
 * Where a fired reminder goes. A `schedule` action names a recipient but no channel, so:
 * - a Slack channel or user id: Slack;
 * - a user of the tenant (id or email): in the console (in_app), where Leash's people look;
 * - any other address: email.
 * Without a recipient it goes back to whoever scheduled it: the proposing person in the console;
 * for an agent (an API key), the tenant's Slack approval channel when Slack is linked and this
 * server posts to Slack, else every admin of the tenant in the console. Someone always hears of it.
 */
export async function reminderDestinations(
  tx: DbTransaction,
  { reminder, channels }: { reminder: Pick<Reminder, "tenantId" | "actionId" | "recipient">; channels: readonly NotificationChannel[] },
): Promise<ReminderDestination[]> {
  const { tenantId, recipient } = reminder;
  if (recipient !== null) {
    if (isSlackId(recipient)) return [{ channel: "slack", recipient }];
    const user = await findRecipientUser(tx, { tenantId, recipient });
    return [user ? { channel: "in_app", recipient: user.email } : { channel: "email", recipient }];
  }
  const action = reminder.actionId === null ? null : await tx.agentAction.findFirst({ where: { id: reminder.actionId, tenantId }, select: { userId: true } });
  if (action?.userId) {
    const proposer = await tx.user.findFirst({ where: { id: action.userId, tenantId }, select: { email: true } });
    if (proposer) return [{ channel: "in_app", recipient: proposer.email }];
  }
  if (channels.includes("slack")) {
    const workspace = await tx.slackWorkspace.findUnique({ where: { tenantId }, select: { approvalChannelId: true } });
    if (workspace) return [{ channel: "slack", recipient: workspace.approvalChannelId }];
  }
  const admins = await tx.user.findMany({ where: { tenantId, role: "admin" }, select: { email: true }, orderBy: { email: "asc" } });
  return admins.map((admin) => ({ channel: "in_app", recipient: admin.email }));
}
