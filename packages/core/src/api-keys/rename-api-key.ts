import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { renameApiKeyInputSchema, type RenameApiKeyInput } from "./api-key-inputs.ts";
import { findTenantApiKey } from "./tenant-api-key.ts";

/** Renames a key (admins): the name timelines show for what it does from now on. */
export async function renameApiKey(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: RenameApiKeyInput }): Promise<void> {
  assertCan(actor, "api_key.manage");
  const { publicId, name } = parseInput(renameApiKeyInputSchema, input, "API key");
  await deps.db.$transaction(async (tx) => {
    const key = await findTenantApiKey(tx, actor.tenantId, publicId);
    if (key.name === name) return;
    await tx.apiKey.update({ where: { id: key.id }, data: { name } });
    await recordAdminEvent(tx, { actor, type: "api_key.renamed", subject: `${name} (${publicId})`, details: { from: key.name, to: name } });
  });
}
