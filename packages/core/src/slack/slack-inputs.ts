import { z } from "zod";

// Slack ids are opaque upper-case strings whose first letter names their kind; channel names are not ids.
export const slackTeamIdSchema = z.string().trim().regex(/^[TE][A-Z0-9]{2,30}$/, "a Slack team id such as T0123ABCD");
export const slackUserIdSchema = z.string().trim().regex(/^[UW][A-Z0-9]{2,30}$/, "a Slack user id such as U0123ABCD");
export const slackChannelIdSchema = z.string().trim().regex(/^[CG][A-Z0-9]{2,30}$/, "a Slack channel id such as C0123ABCD (not its #name)");

const tenantSlug = z.string().min(1);

export const linkSlackWorkspaceInputSchema = z.strictObject({
  tenantSlug,
  teamId: slackTeamIdSchema,
  channelId: slackChannelIdSchema,
  matchEmails: z.boolean().default(false),
});

export const unlinkSlackWorkspaceInputSchema = z.strictObject({ tenantSlug });

export const linkSlackUserInputSchema = z.strictObject({
  tenantSlug,
  teamId: slackTeamIdSchema,
  slackUserId: slackUserIdSchema,
  email: z.email().max(320).transform((email) => email.toLowerCase()),
});

export type LinkSlackWorkspaceInput = z.input<typeof linkSlackWorkspaceInputSchema>;
export type UnlinkSlackWorkspaceInput = z.input<typeof unlinkSlackWorkspaceInputSchema>;
export type LinkSlackUserInput = z.input<typeof linkSlackUserInputSchema>;
