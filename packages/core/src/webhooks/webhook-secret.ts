import { decryptConnectorSecret, encryptConnectorSecret } from "../connectors/connector-secrets.ts";

/**
 * Endpoints' signing secrets are stored as connectors' secrets are (AES-256-GCM under
 * CONNECTOR_SECRET_KEY, see connector-secrets.ts), bound to the endpoint: a value copied into
 * another endpoint's row or a connector's does not decrypt there.
 */
const binding = (endpointId: string) => `webhook-endpoint:${endpointId}`;

export function encryptWebhookSecret(key: Buffer, endpointId: string, secret: string): string {
  return encryptConnectorSecret(key, binding(endpointId), secret);
}

export function decryptWebhookSecret(key: Buffer, endpointId: string, stored: string): string {
  return decryptConnectorSecret(key, binding(endpointId), stored, "the webhook endpoint's signing secret");
}
