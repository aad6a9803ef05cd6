import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { hashPassword } from "../auth/passwords.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { generatePassword } from "./generate-password.ts";
import { userRefInputSchema, type UserRefInput } from "./people-inputs.ts";
import { toPersonView, type PersonView } from "./person-view.ts";
import { lockTenantUser } from "./tenant-user.ts";

/**
 * Gives a person a new generated password (admins), in the answer this once. Their sessions end too:
 * a reset usually means the old password may be known to someone else.
 */
export async function resetUserPassword(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: UserRefInput }): Promise<{ person: PersonView; password: string }> {
  assertCan(actor, "user.manage");
  const { userId } = parseInput(userRefInputSchema, input, "person");
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const user = await deps.db.$transaction(async (tx) => {
    await lockTenantUser(tx, actor.tenantId, userId);
    const after = await tx.user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    await recordAdminEvent(tx, { actor, type: "user.password_reset", subject: after.email });
    return after;
  });
  return { person: toPersonView(user), password };
}
