import type { SlackWorkspace, Tenant } from "@leash/db";

/** A linked Slack workspace with the tenant it decides for. */
export interface SlackWorkspaceView {
  teamId: string;
  approvalChannelId: string;
  matchEmails: boolean;
  tenant: { id: string; slug: string; name: string };
}

export function toSlackWorkspaceView(workspace: SlackWorkspace & { tenant: Tenant }): SlackWorkspaceView {
  return {
    teamId: workspace.teamId,
    approvalChannelId: workspace.approvalChannelId,
    matchEmails: workspace.matchEmails,
    tenant: { id: workspace.tenant.id, slug: workspace.tenant.slug, name: workspace.tenant.name },
  };
}
