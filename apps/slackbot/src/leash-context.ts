import type { Context } from "@slack/bolt";

import { CoreError, type SlackWorkspaceView } from "@leash/core";

/**
 * What `authorize` adds to Bolt's context of every request: the tenant the workspace decides for.
 * It is a lookup started when the request arrives and awaited by the listener after its ack, so
 * the answer to Slack never waits for the database.
 */
export interface LeashContext {
  [key: string]: unknown;
  workspace: Promise<SlackWorkspaceView | null>;
}

/** Starts the lookup; a failure surfaces where it is awaited, never as an unhandled rejection. */
export function startWorkspaceLookup(lookup: Promise<SlackWorkspaceView | null>): Promise<SlackWorkspaceView | null> {
  lookup.catch(() => undefined);
  return lookup;
}

/** The linked workspace of the request, or nothing for a workspace Leash does not know. */
export async function workspaceOf(context: Context): Promise<SlackWorkspaceView | null> {
  const value: unknown = context.workspace;
  return value instanceof Promise ? ((await value) as SlackWorkspaceView | null) : null;
}

export async function requireWorkspace(context: Context): Promise<SlackWorkspaceView> {
  const workspace = await workspaceOf(context);
  if (!workspace) {
    throw new CoreError("NOT_FOUND", "This Slack workspace is not linked to Leash; an admin can link it with `pnpm admin link-slack-workspace`");
  }
  return workspace;
}
