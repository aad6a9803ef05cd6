import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { changeUserRoleInputSchema, type ChangeUserRoleInput } from "./people-inputs.ts";
import { toPersonView, type PersonView } from "./person-view.ts";
import { keepAnActiveAdmin, lockTenantUser } from "./tenant-user.ts";

/** Gives a person another role (admins); it applies from their next request. The last active admin cannot be demoted. */
export async function changeUserRole(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: ChangeUserRoleInput }): Promise<PersonView> {
  assertCan(actor, "user.manage");
  const { userId, role } = parseInput(changeUserRoleInputSchema, input, "role change");
  const user = await deps.db.$transaction(async (tx) => {
    const { user: before, activeAdminIds } = await lockTenantUser(tx, actor.tenantId, userId);
    if (before.role === role) return before;
    if (role !== "admin") keepAnActiveAdmin(before, activeAdminIds, `making them ${role === "approver" ? "an approver" : "a viewer"}`);
    const after = await tx.user.update({ where: { id: userId }, data: { role } });
    await recordAdminEvent(tx, { actor, type: "user.role_changed", subject: after.email, details: { from: before.role, to: role } });
    return after;
  });
  return toPersonView(user);
}
