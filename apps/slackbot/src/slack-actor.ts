import type { Context, webApi } from "@slack/bolt";
import { z } from "zod";

import { CoreError, resolveSlackActor, type Actor, type SlackRequester } from "@leash/core";

import type { BotDeps } from "./bot-deps.ts";
import { requireWorkspace } from "./leash-context.ts";

const requestTeam = z.looseObject({ id: z.string(), enterprise_id: z.string().nullish() });

/** Who sent a button click, a modal or a slash command, read from its payload like any input from outside. */
const requesterSchema = z.union([
  z
    .looseObject({ user: z.looseObject({ id: z.string(), team_id: z.string().nullish() }), team: requestTeam.nullish() })
    .transform(({ user, team }): SlackRequester => ({
      userId: user.id,
      teamId: user.team_id ?? null,
      from: team ? { teamId: team.id, enterpriseId: team.enterprise_id ?? null } : null,
    })),
  // A slash command names only the team it was typed in, which is the user's own.
  z
    .looseObject({ user_id: z.string(), team_id: z.string(), enterprise_id: z.string().nullish() })
    .transform(({ user_id, team_id, enterprise_id }): SlackRequester => ({
      userId: user_id,
      teamId: team_id,
      from: { teamId: team_id, enterpriseId: enterprise_id ?? null },
    })),
]);

/** The Leash user the sender of a Slack request acts as; core refuses with FORBIDDEN when there is none. */
export async function slackActor(
  deps: BotDeps,
  { context, client, body }: { context: Context; client: webApi.WebClient; body: unknown },
): Promise<Actor & { kind: "user" }> {
  const parsed = requesterSchema.safeParse(body);
  if (!parsed.success) throw new CoreError("INVALID", "This Slack request does not say who sent it");
  const requester = parsed.data;
  return resolveSlackActor(deps.core.db, {
    workspace: await requireWorkspace(context),
    requester,
    lookupEmail: async () => {
      const info = await client.users.info({ user: requester.userId });
      return info.user?.profile?.email ?? null;
    },
  });
}
