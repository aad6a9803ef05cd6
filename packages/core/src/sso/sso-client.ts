import * as oidc from "openid-client";

import type { SsoConnection } from "@leash/db";

import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { decryptConnectorSecret, encryptConnectorSecret } from "../connectors/connector-secrets.ts";

/** What single sign-on runs with: the key its client secrets are encrypted under, and whether plain http issuers are allowed. */
export type SsoDeps = Pick<CoreDeps, "db" | "clock" | "connectorKey"> & {
  /**
   * Lets the console talk to an issuer over plain http. For tests against a provider on 127.0.0.1
   * only (SSO_ALLOW_INSECURE_ISSUER): tokens and the client secret would otherwise cross the network in clear.
   */
  ssoAllowInsecureIssuer?: boolean;
};

export const SSO_SCOPE = "openid email profile";

export function requireSsoKey(key: Buffer | undefined): Buffer {
  if (key === undefined || key.length !== 32) {
    throw new CoreError("CONFLICT", "Single sign-on needs CONNECTOR_SECRET_KEY (32 random bytes, hex): the client secret is stored encrypted with it");
  }
  return key;
}

/** The client secret as stored: encrypted the way connectors' secrets are, bound to the connection's row. */
export function sealClientSecret(key: Buffer, connectionId: string, secret: string): string {
  return encryptConnectorSecret(key, `sso:${connectionId}`, secret);
}

/** The provider's configuration for this connection, from its discovery document. */
export async function discoverProvider(deps: SsoDeps, settings: { issuerUrl: string; clientId: string; clientSecret: string }): Promise<oidc.Configuration> {
  const insecure = deps.ssoAllowInsecureIssuer === true;
  if (!insecure && !settings.issuerUrl.startsWith("https://")) {
    throw new CoreError("INVALID", "Invalid single sign-on: issuerUrl: the issuer URL must use https", { issues: [{ path: ["issuerUrl"], message: "the issuer URL must use https" }] });
  }
  try {
    return await oidc.discovery(new URL(settings.issuerUrl), settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret), {
      timeout: 10,
      // Deprecated by openid-client only to stand out: it is meant for tests against a local provider, as here.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  } catch (error) {
    throw new CoreError("CONFLICT", `The OpenID provider at ${settings.issuerUrl} could not be reached or did not answer discovery`, { cause: error });
  }
}

/** The provider of a stored connection, its client secret decrypted. */
export function discoverStoredProvider(deps: SsoDeps, connection: SsoConnection): Promise<oidc.Configuration> {
  const clientSecret = decryptConnectorSecret(requireSsoKey(deps.connectorKey), `sso:${connection.id}`, connection.clientSecret, "The single sign-on client secret");
  return discoverProvider(deps, { issuerUrl: connection.issuerUrl, clientId: connection.clientId, clientSecret });
}
