import type { Db, User } from "@leash/db";

import type { Actor } from "../actor.ts";
import { CoreError } from "../errors.ts";
import { slackUserIdSchema } from "./slack-inputs.ts";
import type { SlackWorkspaceView } from "./slack-workspace-view.ts";

/**
 * The user a Slack user acts as: their explicit link, or else, when the workspace allows it, the
 * tenant's user with the email Slack has verified for them (looked up only when needed, since it
 * costs a call to Slack). What that user may do is decided by each service, as for any actor.
 */
export async function resolveSlackActor(
  db: Db,
  { workspace, slackUserId, lookupEmail }: { workspace: SlackWorkspaceView; slackUserId: string; lookupEmail: () => Promise<string | null> },
): Promise<Actor & { kind: "user" }> {
  const unlinked = new CoreError("FORBIDDEN", `Your Slack account is not linked to a user of ${workspace.tenant.name}`);
  if (!slackUserIdSchema.safeParse(slackUserId).success) throw unlinked;
  const link = await db.slackUserLink.findUnique({
    where: { teamId_slackUserId: { teamId: workspace.teamId, slackUserId } },
    include: { user: true },
  });
  let user: User | null = link?.user ?? null;
  if (!user && workspace.matchEmails) {
    const email = await lookupEmail();
    if (email) user = await db.user.findUnique({ where: { tenantId_email: { tenantId: workspace.tenant.id, email: email.toLowerCase() } } });
  }
  if (user?.tenantId !== workspace.tenant.id) throw unlinked;
  return { kind: "user", tenantId: user.tenantId, userId: user.id, role: user.role, label: user.name };
}
