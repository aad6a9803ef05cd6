import type { Db } from "@leash/db";

import { findTenantBySlug } from "../auth/tenants-and-users.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { linkSlackUserInputSchema, type LinkSlackUserInput } from "./slack-inputs.ts";

/** Says which user of the tenant a Slack user acts as; linking the Slack user again moves the link. */
export async function linkSlackUser(
  db: Db,
  input: LinkSlackUserInput,
): Promise<{ teamId: string; slackUserId: string; user: { id: string; email: string; name: string; role: string } }> {
  const data = parseInput(linkSlackUserInputSchema, input, "Slack user link");
  const tenant = await findTenantBySlug(db, data.tenantSlug);
  const workspace = await db.slackWorkspace.findUnique({ where: { teamId: data.teamId } });
  if (workspace?.tenantId !== tenant.id) {
    throw new CoreError("NOT_FOUND", `Slack workspace ${data.teamId} is not linked to ${tenant.slug}; run link-slack-workspace first`);
  }
  const user = await db.user.findUnique({ where: { tenantId_email: { tenantId: tenant.id, email: data.email } } });
  if (!user) throw new CoreError("NOT_FOUND", `No user ${data.email} in ${tenant.slug}`);
  await db.slackUserLink.upsert({
    where: { teamId_slackUserId: { teamId: data.teamId, slackUserId: data.slackUserId } },
    create: { teamId: data.teamId, slackUserId: data.slackUserId, userId: user.id },
    update: { userId: user.id },
  });
  return { teamId: data.teamId, slackUserId: data.slackUserId, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
