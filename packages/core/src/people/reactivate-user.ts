import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { userRefInputSchema, type UserRefInput } from "./people-inputs.ts";
import { toPersonView, type PersonView } from "./person-view.ts";
import { lockTenantUser } from "./tenant-user.ts";

/** Lets a deactivated person back in (admins): they sign in again (old sessions stay ended), and their keys work again. */
export async function reactivateUser(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: UserRefInput }): Promise<PersonView> {
  assertCan(actor, "user.manage");
  const { userId } = parseInput(userRefInputSchema, input, "person");
  const user = await deps.db.$transaction(async (tx) => {
    const { user: before } = await lockTenantUser(tx, actor.tenantId, userId);
    if (before.deactivatedAt === null) return before;
    const after = await tx.user.update({ where: { id: userId }, data: { deactivatedAt: null } });
    await recordAdminEvent(tx, { actor, type: "user.reactivated", subject: after.email });
    return after;
  });
  return toPersonView(user);
}
