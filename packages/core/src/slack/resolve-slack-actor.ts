import type { Db, User } from "@leash/db";

import { userActor, type Actor } from "../actor.ts";
import { CoreError } from "../errors.ts";
import { slackUserIdSchema } from "./slack-inputs.ts";
import type { SlackWorkspaceView } from "./slack-workspace-view.ts";

/** Who sent a Slack request, as the request (signed by Slack) names them. */
export interface SlackRequester {
  /** `user.id`, a command's `user_id`. */
  userId: string;
  /** The user's own team (`user.team_id`, a command's `team_id`); on Enterprise Grid, the id of their org (E…). */
  teamId: string | null;
  /** The team the request came from (`team.id`) and the Grid org it belongs to (`team.enterprise_id`), when Slack names it. */
  from: { teamId: string; enterpriseId: string | null } | null;
}

/**
 * Whether the Slack user is one of the linked workspace's own people. A Slack Connect channel or a
 * modal opened across workspaces brings in users of other teams, whose links and emails say nothing
 * about the tenant. On Enterprise Grid, Slack names the user's org instead of their team: they
 * belong when the request came from the linked workspace and it is part of that org.
 */
function belongsToWorkspace(workspace: SlackWorkspaceView, requester: SlackRequester): boolean {
  if (requester.teamId === null) return false;
  if (requester.teamId === workspace.teamId) return true;
  return requester.from?.teamId === workspace.teamId && requester.from.enterpriseId === requester.teamId;
}

/**
 * The user a Slack user acts as: their explicit link, or else, when the workspace allows it, the
 * tenant's user with the email Slack has verified for them (looked up only when needed, since it
 * costs a call to Slack). Only users of the linked workspace itself are trusted either way. What
 * that user may do is decided by each service, as for any actor.
 */
export async function resolveSlackActor(
  db: Db,
  { workspace, requester, lookupEmail }: { workspace: SlackWorkspaceView; requester: SlackRequester; lookupEmail: () => Promise<string | null> },
): Promise<Actor & { kind: "user" }> {
  const unlinked = new CoreError("FORBIDDEN", `Your Slack account is not linked to a user of ${workspace.tenant.name}`);
  if (!slackUserIdSchema.safeParse(requester.userId).success || !belongsToWorkspace(workspace, requester)) throw unlinked;
  const link = await db.slackUserLink.findUnique({
    where: { teamId_slackUserId: { teamId: workspace.teamId, slackUserId: requester.userId } },
    include: { user: true },
  });
  let user: User | null = link?.user ?? null;
  if (!user && workspace.matchEmails) {
    const email = await lookupEmail();
    if (email) user = await db.user.findUnique({ where: { tenantId_email: { tenantId: workspace.tenant.id, email: email.toLowerCase() } } });
  }
  if (user?.tenantId !== workspace.tenant.id) throw unlinked;
  return userActor(user);
}
