import { isUniqueViolation, Prisma } from "@leash/db";

import { CoreError } from "../errors.ts";
import type { ConnectorSettings } from "./connector-inputs.ts";
import { encryptConnectorSecret } from "./connector-secrets.ts";
import type { StoredHeader } from "./stored-connector.ts";

/**
 * The headers as stored: secret values encrypted, a secret header given without a value keeps the
 * value `previous` holds for the same name. `key` is asked for only when something is encrypted,
 * so an update that adds no secret works without CONNECTOR_SECRET_KEY.
 */
export function storeHeaders(
  headers: ConnectorSettings["headers"],
  { connectorId, previous, key }: { connectorId: string; previous: readonly StoredHeader[]; key: () => Buffer },
): StoredHeader[] {
  return headers.map((header, index) => {
    if (header.value !== undefined) {
      return header.secret ? { name: header.name, secret: true, encrypted: encryptConnectorSecret(key(), connectorId, header.value) } : { name: header.name, secret: false, value: header.value };
    }
    const kept = previous.find((stored) => stored.secret && stored.name.toLowerCase() === header.name.toLowerCase());
    if (header.secret && kept?.secret) return { name: header.name, secret: true, encrypted: kept.encrypted };
    const message = header.secret ? "a new secret header needs its value" : "a header that is not secret needs a value";
    throw new CoreError("INVALID", `Invalid connector: headers.${index}.value: ${message}`, { issues: [{ path: ["headers", index, "value"], message }] });
  });
}

/** The settings' columns (all but id, tenant and signing secret). */
export function settingsColumns(settings: ConnectorSettings, headers: StoredHeader[]) {
  return {
    name: settings.name,
    baseUrl: settings.baseUrl,
    allowedMethods: settings.allowedMethods,
    allowedPathPrefixes: settings.allowedPathPrefixes,
    headers,
    timeoutMs: settings.timeoutMs,
    allowPrivateNetwork: settings.allowPrivateNetwork,
    undo: settings.undo ?? Prisma.DbNull,
  };
}

export function duplicateConnectorName(error: unknown, name: string): CoreError | null {
  return isUniqueViolation(error) ? new CoreError("CONFLICT", `A connector named ${name} already exists`) : null;
}
