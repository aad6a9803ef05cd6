import type { Context } from "@slack/bolt";

import { CoreError, type SlackWorkspaceView } from "@leash/core";

/** What `authorize` adds to Bolt's context of every request: the tenant the workspace decides for. */
export interface LeashContext {
  [key: string]: unknown;
  workspace: SlackWorkspaceView | null;
}

function isWorkspace(value: unknown): value is SlackWorkspaceView {
  return typeof value === "object" && value !== null && "teamId" in value && "tenant" in value;
}

/** The linked workspace of the request, or nothing for a workspace Leash does not know. */
export function workspaceOf(context: Context): SlackWorkspaceView | null {
  const value: unknown = context.workspace;
  return isWorkspace(value) ? value : null;
}

export function requireWorkspace(context: Context): SlackWorkspaceView {
  const workspace = workspaceOf(context);
  if (!workspace) {
    throw new CoreError("NOT_FOUND", "This Slack workspace is not linked to Leash; an admin can link it with `pnpm admin link-slack-workspace`");
  }
  return workspace;
}
