import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";

/** The tenant's people who can approve, to choose a policy's backup approver from (admins only, like editing policies). */
export async function listBackupApprovers(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<{ id: string; name: string; role: "admin" | "approver" }[]> {
  assertCan(actor, "policy.write");
  const users = await deps.db.user.findMany({
    where: { tenantId: actor.tenantId, role: { in: ["admin", "approver"] } },
    select: { id: true, name: true, role: true },
    orderBy: { name: "asc" },
  });
  return users.flatMap((user) => (user.role === "viewer" ? [] : [{ id: user.id, name: user.name, role: user.role }]));
}
