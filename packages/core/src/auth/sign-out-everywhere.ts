import { z } from "zod";

import type { Actor } from "../actor.ts";
import { safeText } from "../actions/storable.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";

export const signOutEverywhereInputSchema = z.strictObject({
  email: safeText(z.string().trim().toLowerCase().min(1, "the email is required").max(320)),
});
export type SignOutEverywhereInput = z.input<typeof signOutEverywhereInputSchema>;

/**
 * Ends every console session of a user of the actor's tenant, wherever it was signed in (a stolen
 * cookie included): their session version moves on, and every session holding the old one is
 * refused from its next request. Anyone may do it for themselves; for someone else it takes an admin.
 */
export async function signOutEverywhere(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: SignOutEverywhereInput }): Promise<void> {
  const { email } = parseInput(signOutEverywhereInputSchema, input, "sign-out");
  const user = await deps.db.user.findUnique({ where: { tenantId_email: { tenantId: actor.tenantId, email } }, select: { id: true } });
  const self = actor.kind === "user" && user?.id === actor.userId;
  if (!self) assertCan(actor, "session.revoke_any");
  const gone = new CoreError("NOT_FOUND", `No user ${email} in this workspace`);
  if (!user) throw gone;
  const { count } = await deps.db.user.updateMany({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
  if (count === 0) throw gone;
}
