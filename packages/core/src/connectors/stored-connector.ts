import { z } from "zod";

import type { Connector } from "@leash/db";

import { jsonValueSchema } from "../actions/json.ts";
import { httpMethodSchema, type HttpMethod } from "./connector-fields.ts";
import type { UndoTemplate } from "./undo-template-schema.ts";

const storedHeaderSchema = z.discriminatedUnion("secret", [
  z.object({ name: z.string(), secret: z.literal(false), value: z.string() }),
  z.object({ name: z.string(), secret: z.literal(true), encrypted: z.string() }),
]);
export type StoredHeader = z.infer<typeof storedHeaderSchema>;

/** The undo template as stored: written through undoTemplateSchema, read back without its checks. */
// The shared JSON schema instance: the API's documentation names it once instead of expanding a recursive schema.
export const storedUndoSchema = z.object({ method: httpMethodSchema, path: z.string(), body: jsonValueSchema.optional() });

const storedShape = z.object({
  allowedMethods: z.array(httpMethodSchema),
  headers: z.array(storedHeaderSchema),
  undo: storedUndoSchema.nullable(),
});

/** A connector as the request code uses it: typed columns, secrets still encrypted (decrypted only to send). */
export interface StoredConnector {
  id: string;
  tenantId: string;
  name: string;
  baseUrl: string;
  allowedMethods: HttpMethod[];
  allowedPathPrefixes: string[];
  headers: StoredHeader[];
  /** Encrypted; see connector-secrets.ts. */
  signingSecret: string;
  /** The secret the last rotation replaced, encrypted; it signs too until previousSecretExpiresAt (see signing-secret-rotation.ts). */
  previousSigningSecret: string | null;
  previousSecretExpiresAt: Date | null;
  timeoutMs: number;
  allowPrivateNetwork: boolean;
  undo: UndoTemplate | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toStoredConnector(row: Connector): StoredConnector {
  const parsed = storedShape.safeParse({ allowedMethods: row.allowedMethods, headers: row.headers, undo: row.undo });
  // Rows are only written through the checked inputs; one that does not read back was changed by hand.
  if (!parsed.success) throw new Error(`connector ${row.id} (${row.name}) holds settings this version cannot read: ${parsed.error.message}`);
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    baseUrl: row.baseUrl,
    allowedMethods: parsed.data.allowedMethods,
    allowedPathPrefixes: row.allowedPathPrefixes,
    headers: parsed.data.headers,
    signingSecret: row.signingSecret,
    previousSigningSecret: row.previousSigningSecret,
    previousSecretExpiresAt: row.previousSecretExpiresAt,
    timeoutMs: row.timeoutMs,
    allowPrivateNetwork: row.allowPrivateNetwork,
    undo: parsed.data.undo,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
