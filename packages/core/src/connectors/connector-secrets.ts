import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

import { z } from "zod";

import { CoreError } from "../errors.ts";

/**
 * Connectors' secrets at rest: AES-256-GCM under CONNECTOR_SECRET_KEY, a fresh 12-byte IV per
 * value, stored as `v1:<iv>:<tag>:<ciphertext>` (base64url). The connector's id is bound in as
 * associated data, so a value copied into another connector's row (another tenant's) does not
 * decrypt there. The version prefix leaves room for a key rotation scheme later.
 */
export const CONNECTOR_KEY_BYTES = 32;
const IV_BYTES = 12;
const FORMAT = "v1";

export const missingConnectorKeyMessage = "connectors need CONNECTOR_SECRET_KEY: set it to 32 random bytes, hex";

/** CONNECTOR_SECRET_KEY as each process's env.ts reads it: optional, 64 hex characters, turned into the key. */
export const connectorKeyEnvSchema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, "CONNECTOR_SECRET_KEY must be 32 random bytes as 64 hex characters, e.g. `openssl rand -hex 32`")
  .transform((hex) => Buffer.from(hex, "hex"))
  .optional();

/** The key, or the error that says how to set it. */
export function requireConnectorKey(key: Buffer | undefined): Buffer {
  if (key === undefined) throw new CoreError("CONFLICT", missingConnectorKeyMessage);
  if (key.length !== CONNECTOR_KEY_BYTES) throw new CoreError("CONFLICT", `${missingConnectorKeyMessage} (the one given is ${key.length} bytes)`);
  return key;
}

const associatedData = (connectorId: string) => Buffer.from(`leash-connector:${connectorId}`, "utf8");

export function encryptConnectorSecret(key: Buffer, connectorId: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(associatedData(connectorId));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === "string" ? part : part.toString("base64url"))).join(":");
}

/** The stored value in clear; a value that does not decrypt (another key, another row, damaged) is a clear error, never garbage. */
export function decryptConnectorSecret(key: Buffer, connectorId: string, stored: string, what: string): string {
  const [format, iv, tag, ciphertext, ...rest] = stored.split(":");
  if (format !== FORMAT || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
    throw new CoreError("CONFLICT", `${what} is not stored in a format this version of Leash reads`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(associatedData(connectorId));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new CoreError("CONFLICT", `${what} does not decrypt with this CONNECTOR_SECRET_KEY (was the key changed?)`, { cause: error });
  }
}

/** A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}
