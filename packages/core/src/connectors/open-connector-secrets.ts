import { decryptConnectorSecret, requireConnectorKey } from "./connector-secrets.ts";
import { secretsSigningAt } from "./signing-secret-rotation.ts";
import type { StoredConnector } from "./stored-connector.ts";

/**
 * The connector's headers and the signing secrets of a request sent at `now` in clear (the current
 * one, then the one a rotation replaced while it still signs), for the one request about to be
 * sent; never stored or logged.
 */
export function openConnectorSecrets(connector: StoredConnector, key: Buffer | undefined, now: Date): { headers: [string, string][]; signingSecrets: string[] } {
  const usable = requireConnectorKey(key);
  return {
    headers: connector.headers.map((header) => [
      header.name,
      header.secret ? decryptConnectorSecret(usable, connector.id, header.encrypted, `${connector.name}'s header ${header.name}`) : header.value,
    ]),
    signingSecrets: secretsSigningAt(connector, now).map((sealed, index) =>
      decryptConnectorSecret(usable, connector.id, sealed, `${connector.name}'s ${index === 0 ? "" : "previous "}signing secret`),
    ),
  };
}
