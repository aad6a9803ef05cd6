import type { Db } from "@leash/db";

/** Who an escalated action went to, and their Slack user in the tenant's workspace (null when not linked). */
export interface EscalationRecipient {
  label: string;
  slackUserId: string | null;
}

/**
 * The backup approver named by the action's latest `escalated` event, with the Slack user
 * explicitly linked to them. Null when the action was not escalated to anybody.
 */
export async function findEscalationRecipient(
  db: Db,
  { tenantId, actionId }: { tenantId: string; actionId: number },
): Promise<EscalationRecipient | null> {
  const event = await db.actionEvent.findFirst({
    where: { tenantId, actionId, type: "escalated" },
    orderBy: { id: "desc" },
  });
  const details = event?.details;
  if (typeof details !== "object" || details === null || Array.isArray(details)) return null;
  const { userId, to } = details;
  if (typeof userId !== "string" || typeof to !== "string") return null;
  const link = await db.slackUserLink.findFirst({
    where: { userId, workspace: { tenantId } },
    orderBy: { createdAt: "asc" },
  });
  return { label: to, slackUserId: link?.slackUserId ?? null };
}
