import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { createApiKey } from "../auth/api-keys.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { issueApiKeyInputSchema, type IssueApiKeyInput } from "./api-key-inputs.ts";
import { apiKeyOwnerColumns, toApiKeyView, type ApiKeyView } from "./api-key-view.ts";

/** Creates an API key of the tenant (admins); its secret is in the answer this once, only its hash is kept. */
export async function issueApiKey(deps: Pick<CoreDeps, "db" | "clock">, { actor, input }: { actor: Actor; input: IssueApiKeyInput }): Promise<{ apiKey: ApiKeyView; key: string }> {
  assertCan(actor, "api_key.manage");
  const { name, role, ownerId, expiresOn } = parseInput(issueApiKeyInputSchema, input, "API key");
  const now = deps.clock.now();
  const expiresAt = expiresOn === null ? null : new Date(`${expiresOn}T00:00:00Z`);
  if (expiresAt !== null && expiresAt <= now) {
    throw new CoreError("INVALID", "Invalid API key: expiresOn: the expiry date must be in the future", { issues: [{ path: ["expiresOn"], message: "the expiry date must be in the future" }] });
  }
  return deps.db.$transaction(async (tx) => {
    const owner = ownerId === null ? null : await tx.user.findFirst({ where: { id: ownerId, tenantId: actor.tenantId }, select: { id: true } });
    if (ownerId !== null && !owner) throw new CoreError("NOT_FOUND", "No such person in this workspace");
    const { id, key, publicId } = await createApiKey(tx, { tenantId: actor.tenantId, name, role, ownerId, expiresAt });
    await recordAdminEvent(tx, { actor, type: "api_key.created", subject: `${name} (${publicId})`, details: { role, ownerId, expiresAt: expiresAt?.toISOString() ?? null } });
    const row = await tx.apiKey.findUniqueOrThrow({ where: { id }, include: { owner: apiKeyOwnerColumns } });
    return { apiKey: toApiKeyView(row, now), key };
  });
}
