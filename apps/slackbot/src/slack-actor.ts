import type { Context, webApi } from "@slack/bolt";

import { resolveSlackActor, type Actor } from "@leash/core";

import type { BotDeps } from "./bot-deps.ts";
import { requireWorkspace } from "./leash-context.ts";

/** The Leash user a Slack user acts as in this request; core refuses with FORBIDDEN when there is none. */
export async function slackActor(
  deps: BotDeps,
  { context, client, slackUserId }: { context: Context; client: webApi.WebClient; slackUserId: string },
): Promise<Actor & { kind: "user" }> {
  return resolveSlackActor(deps.core.db, {
    workspace: await requireWorkspace(context),
    slackUserId,
    lookupEmail: async () => {
      const info = await client.users.info({ user: slackUserId });
      return info.user?.profile?.email ?? null;
    },
  });
}
