import type { DbTransaction, User } from "@leash/db";

import { CoreError } from "../errors.ts";

/**
 * A person of the tenant, locked for the rest of the transaction, with the ids of the tenant's active
 * admins (locked first, in id order, so that two changes racing each other wait in line instead of
 * deadlocking, and two admins demoting each other at once cannot both succeed). Another tenant's id
 * answers like an unknown one (NOT_FOUND): ids do not tell what exists elsewhere.
 */
export async function lockTenantUser(tx: DbTransaction, tenantId: string, userId: string): Promise<{ user: User; activeAdminIds: string[] }> {
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM app_user WHERE tenant_id = ${tenantId}::uuid AND role = 'admin' AND deactivated_at IS NULL ORDER BY id FOR UPDATE`;
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM app_user WHERE id = ${userId}::uuid AND tenant_id = ${tenantId}::uuid FOR UPDATE`;
  const user = rows.length ? await tx.user.findUnique({ where: { id: userId } }) : null;
  if (!user) throw new CoreError("NOT_FOUND", "No such person in this workspace");
  return { user, activeAdminIds: admins.map((admin) => admin.id) };
}

/** Refuses a change that would leave the tenant without an active admin (`why` names the change). */
export function keepAnActiveAdmin(user: User, activeAdminIds: string[], why: string): void {
  if (user.role !== "admin" || user.deactivatedAt !== null) return;
  if (activeAdminIds.some((id) => id !== user.id)) return;
  throw new CoreError("CONFLICT", `${user.email} is the last active admin of this workspace: ${why} would leave nobody to administer it. Make someone else an admin first.`);
}
