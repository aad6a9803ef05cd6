import type { DbTransaction, Prisma } from "@leash/db";

import { actorRef, type Actor } from "../actor.ts";

/** What an admin change is recorded as: people, API keys and single sign-on share one trail. */
export type AdminEventType =
  | "user.added"
  | "user.role_changed"
  | "user.deactivated"
  | "user.reactivated"
  | "user.password_reset"
  | "api_key.created"
  | "api_key.renamed"
  | "api_key.revoked"
  | "sso.saved"
  | "sso.removed";

/** Appends one event to the tenant's admin trail, in the transaction of the change it records. */
export async function recordAdminEvent(
  tx: DbTransaction,
  { actor, type, subject, details = {} }: { actor: Actor; type: AdminEventType; subject: string; details?: Prisma.InputJsonObject },
): Promise<void> {
  await tx.adminEvent.create({ data: { tenantId: actor.tenantId, type, subject, details, ...actorRef(actor) } });
}
