import type { Db, DbTransaction } from "@leash/db";

import { slackChannelIdSchema, slackUserIdSchema } from "../slack/slack-inputs.ts";
import type { SlackDestination } from "./create-slack-sender.ts";
import { permanentFailure } from "./delivery-failure.ts";
import { findRecipientUser } from "./find-recipient-user.ts";

/**
 * Where a Slack notification goes: a channel id (C…/G…) as is, a Slack user id (U…/W…) or a Leash
 * user with a Slack link as a direct message. Only for a tenant whose linked workspace is the bot's
 * own: one bot token serves one workspace, and another tenant's agent must not post into it.
 */
export async function resolveSlackDestination(
  db: Db | DbTransaction,
  { tenantId, recipient, botTeamId }: { tenantId: string; recipient: string; botTeamId: string },
): Promise<{ to: SlackDestination; userId: string | null }> {
  const workspace = await db.slackWorkspace.findUnique({ where: { tenantId }, select: { teamId: true } });
  if (workspace?.teamId !== botTeamId) {
    throw permanentFailure(
      workspace
        ? `Slack message to ${recipient} not sent: this tenant's Slack workspace ${workspace.teamId} is not the bot's (${botTeamId})`
        : `Slack message to ${recipient} not sent: this tenant has no linked Slack workspace`,
    );
  }
  if (slackChannelIdSchema.safeParse(recipient).success) return { to: { kind: "channel", channelId: recipient.trim() }, userId: null };
  if (slackUserIdSchema.safeParse(recipient).success) return { to: { kind: "direct", slackUserId: recipient.trim() }, userId: null };
  const user = await findRecipientUser(db, { tenantId, recipient });
  if (!user) throw permanentFailure(`Slack recipient ${recipient} is neither a channel id, a Slack user id nor a user of this tenant`);
  const link = await db.slackUserLink.findFirst({ where: { userId: user.id, teamId: workspace.teamId }, select: { slackUserId: true } });
  if (!link) throw permanentFailure(`Slack message to ${recipient} not sent: ${user.email} has no linked Slack account`);
  return { to: { kind: "direct", slackUserId: link.slackUserId }, userId: user.id };
}
