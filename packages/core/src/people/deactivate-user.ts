import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { announceApiKeyChanges, type ApiKeyChangeDeps } from "../auth/api-key-changes.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { userRefInputSchema, type UserRefInput } from "./people-inputs.ts";
import { toPersonView, type PersonView } from "./person-view.ts";
import { keepAnActiveAdmin, lockTenantUser } from "./tenant-user.ts";

/**
 * Deactivates a person (admins): they cannot sign in, every console session of theirs ends at its
 * next request (their session version moves on), and API keys they own are refused while they stay
 * inactive, moments later (announced to the API's key caches, as a revocation is). The
 * last active admin cannot be deactivated.
 */
export async function deactivateUser(deps: Pick<CoreDeps, "db" | "clock"> & ApiKeyChangeDeps, { actor, input }: { actor: Actor; input: UserRefInput }): Promise<PersonView> {
  assertCan(actor, "user.manage");
  const { userId } = parseInput(userRefInputSchema, input, "person");
  const user = await deps.db.$transaction(async (tx) => {
    const { user: before, activeAdminIds } = await lockTenantUser(tx, actor.tenantId, userId);
    if (before.deactivatedAt !== null) return before;
    keepAnActiveAdmin(before, activeAdminIds, "deactivating them");
    const after = await tx.user.update({ where: { id: userId }, data: { deactivatedAt: deps.clock.now(), sessionVersion: { increment: 1 } } });
    await recordAdminEvent(tx, { actor, type: "user.deactivated", subject: after.email });
    return after;
  });
  await announceApiKeyChanges(deps, actor.tenantId);
  return toPersonView(user);
}
