import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";

export interface AdminEventView {
  id: string;
  type: string;
  actorLabel: string;
  subject: string;
  details: unknown;
  at: string;
}

/** The tenant's latest admin changes (people, keys, single sign-on), newest first; admins only. */
export async function listAdminEvents(deps: Pick<CoreDeps, "db">, { actor, limit = 50 }: { actor: Actor; limit?: number }): Promise<AdminEventView[]> {
  assertCan(actor, "user.manage");
  const rows = await deps.db.adminEvent.findMany({
    where: { tenantId: actor.tenantId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: Math.min(Math.max(limit, 1), 200),
  });
  return rows.map((row) => ({ id: row.id, type: row.type, actorLabel: row.actorLabel, subject: row.subject, details: row.details, at: row.createdAt.toISOString() }));
}
