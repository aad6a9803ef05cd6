import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";

/** Turns the tenant's single sign-on off (admins); people it created sign in with a password an admin resets for them. */
export async function removeSsoSettings(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<void> {
  assertCan(actor, "sso.manage");
  await deps.db.$transaction(async (tx) => {
    const removed = await tx.ssoConnection.deleteMany({ where: { tenantId: actor.tenantId } });
    if (removed.count === 0) throw new CoreError("NOT_FOUND", "This workspace has no single sign-on to remove");
    await recordAdminEvent(tx, { actor, type: "sso.removed", subject: "single sign-on" });
  });
}
