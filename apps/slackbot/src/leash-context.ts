import type { Context } from "@slack/bolt";

import { CoreError, type SlackWorkspaceView } from "@leash/core";

/**
 * What the bot adds to Bolt's context of every request: the tenant the workspace decides for
 * (`authorize`), and whether this is the first delivery of the request (`dedupeDeliveries`). Both
 * are lookups started when the request arrives and awaited by the listener after its ack, so the
 * answer to Slack never waits for the database or for Redis.
 */
export interface LeashContext {
  [key: string]: unknown;
  workspace: Promise<SlackWorkspaceView | null>;
  /** False for a copy of a request already processed (Slack's retry, or a replay); absent when the payload names no delivery. */
  firstDelivery?: Promise<boolean>;
}

/** Starts the lookup; a failure surfaces where it is awaited, never as an unhandled rejection. */
export function startWorkspaceLookup(lookup: Promise<SlackWorkspaceView | null>): Promise<SlackWorkspaceView | null> {
  lookup.catch(() => undefined);
  return lookup;
}

/** Thrown where a listener would act on a repeated delivery; `dedupeDeliveries` acknowledges and drops the request. */
export class RepeatedDelivery extends Error {
  constructor() {
    super("a repeated delivery of a Slack request");
    this.name = "RepeatedDelivery";
  }
}

/** Stops a listener, before anything it does, when its request was delivered before. */
export async function requireFirstDelivery(context: Context): Promise<void> {
  const first: unknown = context.firstDelivery;
  if (first instanceof Promise && !(await first)) throw new RepeatedDelivery();
}

/**
 * The linked workspace of the request, or nothing for a workspace Leash does not know. Every
 * listener that acts reaches its tenant through here, so a repeated delivery stops here too.
 */
export async function workspaceOf(context: Context): Promise<SlackWorkspaceView | null> {
  await requireFirstDelivery(context);
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
