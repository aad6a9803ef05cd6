import type { Db } from "@leash/db";

/**
 * Keeps the posted card's channel and ts with the action, so every later change edits the same
 * message. Written without touching `updated_at`: posting a card is not a change of the action.
 */
export async function recordSlackMessage(
  db: Db,
  { tenantId, actionId, channelId, messageTs }: { tenantId: string; actionId: number; channelId: string; messageTs: string },
): Promise<void> {
  await db.$executeRaw`
    UPDATE agent_action SET slack_channel_id = ${channelId}, slack_message_ts = ${messageTs}
    WHERE id = ${actionId} AND tenant_id = ${tenantId}::uuid`;
}
