import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { apiKeyOwnerColumns, toApiKeyView, type ApiKeyView } from "./api-key-view.ts";

/** Every API key of the tenant, revoked ones last, newest first; admins only. */
export async function listApiKeys(deps: Pick<CoreDeps, "db" | "clock">, { actor }: { actor: Actor }): Promise<ApiKeyView[]> {
  assertCan(actor, "api_key.manage");
  const keys = await deps.db.apiKey.findMany({ where: { tenantId: actor.tenantId }, include: { owner: apiKeyOwnerColumns }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  const now = deps.clock.now();
  return keys.map((key) => toApiKeyView(key, now)).sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}
