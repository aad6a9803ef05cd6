import { z } from "zod";

import { httpMethodSchema } from "./connector-fields.ts";
import { previousSecretExpiry } from "./signing-secret-rotation.ts";
import { storedUndoSchema, type StoredConnector } from "./stored-connector.ts";

/** A header as shown: a secret one shows its name only (its value is never read back out). */
export const connectorHeaderViewSchema = z.union([
  z.object({ name: z.string(), secret: z.literal(false), value: z.string() }),
  z.object({ name: z.string(), secret: z.literal(true) }),
]);
export type ConnectorHeaderView = z.infer<typeof connectorHeaderViewSchema>;

export const connectorViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  baseUrl: z.string(),
  allowedMethods: z.array(httpMethodSchema),
  allowedPathPrefixes: z.array(z.string()),
  headers: z.array(connectorHeaderViewSchema),
  timeoutMs: z.int(),
  allowPrivateNetwork: z.boolean(),
  /** null: calls through this connector cannot be undone. */
  undo: storedUndoSchema.nullable(),
  /**
   * Until when requests also carry a signature made with the secret the last rotation replaced;
   * null when they carry only the current one's.
   */
  previousSecretExpiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ConnectorView = z.infer<typeof connectorViewSchema>;

/** A connector with its signing secret in clear: only the answer to a create or a rotation, once. */
export const connectorWithSigningSecretSchema = z.object({
  connector: connectorViewSchema,
  /** `whsec_...`: receivers verify requests with it (Standard Webhooks). Shown this once; store it now. */
  signingSecret: z.string(),
});
export type ConnectorWithSigningSecret = z.infer<typeof connectorWithSigningSecretSchema>;

export function toConnectorView(connector: StoredConnector, now: Date): ConnectorView {
  return {
    id: connector.id,
    name: connector.name,
    baseUrl: connector.baseUrl,
    allowedMethods: connector.allowedMethods,
    allowedPathPrefixes: connector.allowedPathPrefixes,
    headers: connector.headers.map((header) => (header.secret ? { name: header.name, secret: true } : { name: header.name, secret: false, value: header.value })),
    timeoutMs: connector.timeoutMs,
    allowPrivateNetwork: connector.allowPrivateNetwork,
    undo: connector.undo,
    previousSecretExpiresAt: previousSecretExpiry(connector, now)?.toISOString() ?? null,
    createdAt: connector.createdAt.toISOString(),
    updatedAt: connector.updatedAt.toISOString(),
  };
}
