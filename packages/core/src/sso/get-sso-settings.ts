import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { toSsoSettingsView, type SsoSettingsView } from "./sso-settings-view.ts";

/** The tenant's single sign-on settings, or null when it has none; admins only. */
export async function getSsoSettings(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<SsoSettingsView | null> {
  assertCan(actor, "sso.manage");
  const connection = await deps.db.ssoConnection.findUnique({ where: { tenantId: actor.tenantId } });
  return connection ? toSsoSettingsView(connection) : null;
}
