import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { toPersonView, type PersonView } from "./person-view.ts";

/** Everyone of the tenant, active first, then by name; admins only. */
export async function listUsers(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<PersonView[]> {
  assertCan(actor, "user.manage");
  const users = await deps.db.user.findMany({ where: { tenantId: actor.tenantId }, orderBy: [{ name: "asc" }, { email: "asc" }] });
  return users.map(toPersonView).sort((a, b) => Number(b.active) - Number(a.active));
}
