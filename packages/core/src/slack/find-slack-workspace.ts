import type { Db } from "@leash/db";

import { slackTeamIdSchema } from "./slack-inputs.ts";
import { toSlackWorkspaceView, type SlackWorkspaceView } from "./slack-workspace-view.ts";

/** The tenant a Slack workspace decides for, or null when the workspace is not linked. */
export async function findSlackWorkspace(db: Db, teamId: string): Promise<SlackWorkspaceView | null> {
  if (!slackTeamIdSchema.safeParse(teamId).success) return null;
  const workspace = await db.slackWorkspace.findUnique({ where: { teamId }, include: { tenant: true } });
  return workspace ? toSlackWorkspaceView(workspace) : null;
}
