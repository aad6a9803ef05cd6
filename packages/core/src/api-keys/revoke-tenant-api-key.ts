import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { announceApiKeyChanges, type ApiKeyChangeDeps } from "../auth/api-key-changes.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { apiKeyRefInputSchema, type ApiKeyRefInput } from "./api-key-inputs.ts";
import { findTenantApiKey } from "./tenant-api-key.ts";

/**
 * Revokes a key of the tenant (admins), for good. Every API instance refuses it moments later: the
 * revocation is announced to their key caches after the commit (`announceApiKeyChanges`); one that
 * missed the announcement refuses it once its cache expires it (API_KEY_CACHE_MS, 5 s by default).
 */
export async function revokeTenantApiKey(deps: Pick<CoreDeps, "db" | "clock"> & ApiKeyChangeDeps, { actor, input }: { actor: Actor; input: ApiKeyRefInput }): Promise<void> {
  assertCan(actor, "api_key.manage");
  const { publicId } = parseInput(apiKeyRefInputSchema, input, "API key");
  await deps.db.$transaction(async (tx) => {
    const key = await findTenantApiKey(tx, actor.tenantId, publicId);
    const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: deps.clock.now() } });
    if (count === 0) throw new CoreError("CONFLICT", `${key.name} (${publicId}) was already revoked`);
    await recordAdminEvent(tx, { actor, type: "api_key.revoked", subject: `${key.name} (${publicId})` });
  });
  await announceApiKeyChanges(deps, actor.tenantId);
}
