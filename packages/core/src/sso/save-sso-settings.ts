import { randomUUID } from "node:crypto";

import type { Actor } from "../actor.ts";
import { recordAdminEvent } from "../audit/record-admin-event.ts";
import { assertCan } from "../authorization.ts";
import { decryptConnectorSecret } from "../connectors/connector-secrets.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { discoverProvider, requireSsoKey, sealClientSecret, type SsoDeps } from "./sso-client.ts";
import { saveSsoSettingsInputSchema, type SaveSsoSettingsInput } from "./sso-inputs.ts";
import { toSsoSettingsView, type SsoSettingsView } from "./sso-settings-view.ts";

/**
 * Sets up or changes the tenant's single sign-on (admins). The issuer is asked for its discovery
 * document first, so a mistyped URL is refused here rather than at someone's sign-in. An empty
 * client secret keeps the stored one.
 */
export async function saveSsoSettings(deps: SsoDeps, { actor, input }: { actor: Actor; input: SaveSsoSettingsInput }): Promise<SsoSettingsView> {
  assertCan(actor, "sso.manage");
  const settings = parseInput(saveSsoSettingsInputSchema, input, "single sign-on");
  const key = requireSsoKey(deps.connectorKey);
  const existing = await deps.db.ssoConnection.findUnique({ where: { tenantId: actor.tenantId } });
  const id = existing?.id ?? randomUUID();
  const clientSecret = settings.clientSecret !== "" ? settings.clientSecret : existing ? decryptConnectorSecret(key, `sso:${id}`, existing.clientSecret, "The stored client secret") : "";
  if (clientSecret === "") {
    throw new CoreError("INVALID", "Invalid single sign-on: clientSecret: the client secret is required", { issues: [{ path: ["clientSecret"], message: "the client secret is required" }] });
  }
  await discoverProvider(deps, { issuerUrl: settings.issuerUrl, clientId: settings.clientId, clientSecret });
  const columns = {
    issuerUrl: settings.issuerUrl,
    clientId: settings.clientId,
    clientSecret: sealClientSecret(key, id, clientSecret),
    allowedEmailDomain: settings.allowedEmailDomain,
    newUserRole: settings.newUserRole,
  };
  const saved = await deps.db.$transaction(async (tx) => {
    const row = await tx.ssoConnection.upsert({ where: { tenantId: actor.tenantId }, create: { id, tenantId: actor.tenantId, ...columns }, update: columns });
    await recordAdminEvent(tx, {
      actor,
      type: "sso.saved",
      subject: settings.issuerUrl,
      details: { clientId: settings.clientId, allowedEmailDomain: settings.allowedEmailDomain, newUserRole: settings.newUserRole, secretChanged: settings.clientSecret !== "" },
    });
    return row;
  });
  return toSsoSettingsView(saved);
}
