import { isUniqueViolation, type Db } from "@leash/db";

import { findTenantBySlug } from "../auth/tenants-and-users.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { linkSlackWorkspaceInputSchema, type LinkSlackWorkspaceInput } from "./slack-inputs.ts";
import { toSlackWorkspaceView, type SlackWorkspaceView } from "./slack-workspace-view.ts";

/**
 * Links a Slack workspace to a tenant and names the channel its approval cards go to. Running it
 * again for the same pair changes the channel; a workspace decides for one tenant, and a tenant
 * has one workspace (unlink first to move it).
 */
export async function linkSlackWorkspace(db: Db, input: LinkSlackWorkspaceInput): Promise<SlackWorkspaceView> {
  const data = parseInput(linkSlackWorkspaceInputSchema, input, "Slack workspace link");
  const tenant = await findTenantBySlug(db, data.tenantSlug);
  const [byTeam, byTenant] = await Promise.all([
    db.slackWorkspace.findUnique({ where: { teamId: data.teamId }, include: { tenant: true } }),
    db.slackWorkspace.findUnique({ where: { tenantId: tenant.id } }),
  ]);
  if (byTeam && byTeam.tenantId !== tenant.id) {
    throw new CoreError("CONFLICT", `Slack workspace ${data.teamId} is already linked to ${byTeam.tenant.slug}`);
  }
  if (byTenant && byTenant.teamId !== data.teamId) {
    throw new CoreError("CONFLICT", `${tenant.slug} is already linked to Slack workspace ${byTenant.teamId}; unlink it first`);
  }
  try {
    const workspace = await db.slackWorkspace.upsert({
      where: { teamId: data.teamId },
      create: { teamId: data.teamId, tenantId: tenant.id, approvalChannelId: data.channelId, matchEmails: data.matchEmails },
      update: { approvalChannelId: data.channelId, matchEmails: data.matchEmails },
      include: { tenant: true },
    });
    return toSlackWorkspaceView(workspace);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new CoreError("CONFLICT", `${tenant.slug} or Slack workspace ${data.teamId} was linked by someone else just now`);
    }
    throw error;
  }
}
