import type { Db } from "@leash/db";

import { findTenantBySlug } from "../auth/tenants-and-users.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { unlinkSlackWorkspaceInputSchema, type UnlinkSlackWorkspaceInput } from "./slack-inputs.ts";

/** Removes a tenant's Slack workspace and, with it, every Slack user link of that workspace. */
export async function unlinkSlackWorkspace(db: Db, input: UnlinkSlackWorkspaceInput): Promise<{ teamId: string }> {
  const data = parseInput(unlinkSlackWorkspaceInputSchema, input, "Slack workspace unlink");
  const tenant = await findTenantBySlug(db, data.tenantSlug);
  const workspace = await db.slackWorkspace.findUnique({ where: { tenantId: tenant.id } });
  if (!workspace) throw new CoreError("NOT_FOUND", `${tenant.slug} has no Slack workspace`);
  await db.slackWorkspace.delete({ where: { id: workspace.id } });
  return { teamId: workspace.teamId };
}
