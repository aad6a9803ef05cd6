import { Webhook } from "standardwebhooks";

/**
 * `webhook-signature` (Standard Webhooks): `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`
 * under each secret, space-separated; a receiver accepts the request if any one of them verifies,
 * which is what lets a replaced secret keep signing beside the new one.
 */
export function webhookSignature(secrets: readonly string[], { messageId, now, body }: { messageId: string; now: Date; body: string }): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, now, body)).join(" ");
}
