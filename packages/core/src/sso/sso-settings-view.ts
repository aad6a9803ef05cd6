import type { SsoConnection, UserRole } from "@leash/db";

/** A tenant's single sign-on as the admin page shows it: the client secret never leaves the server. */
export interface SsoSettingsView {
  issuerUrl: string;
  clientId: string;
  allowedEmailDomain: string;
  newUserRole: UserRole;
  updatedAt: string;
}

export function toSsoSettingsView(connection: SsoConnection): SsoSettingsView {
  return {
    issuerUrl: connection.issuerUrl,
    clientId: connection.clientId,
    allowedEmailDomain: connection.allowedEmailDomain,
    newUserRole: connection.newUserRole,
    updatedAt: connection.updatedAt.toISOString(),
  };
}
