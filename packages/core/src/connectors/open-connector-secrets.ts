import { decryptConnectorSecret, requireConnectorKey } from "./connector-secrets.ts";
import type { StoredConnector } from "./stored-connector.ts";

/** The connector's headers and signing secret in clear, for the one request about to be sent; never stored or logged. */
export function openConnectorSecrets(connector: StoredConnector, key: Buffer | undefined): { headers: [string, string][]; signingSecret: string } {
  const usable = requireConnectorKey(key);
  return {
    headers: connector.headers.map((header) => [
      header.name,
      header.secret ? decryptConnectorSecret(usable, connector.id, header.encrypted, `${connector.name}'s header ${header.name}`) : header.value,
    ]),
    signingSecret: decryptConnectorSecret(usable, connector.id, connector.signingSecret, `${connector.name}'s signing secret`),
  };
}
