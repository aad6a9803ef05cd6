import { isUnderPrefix, pathnameOf } from "./connector-path.ts";
import { connectorRequestUrl, type ConnectorUrlCheck } from "./connector-request-url.ts";
import type { StoredConnector } from "./stored-connector.ts";

type CheckedConnector = Pick<StoredConnector, "name" | "baseUrl" | "allowedMethods" | "allowedPathPrefixes">;

/** Whether the connector allows `method` on `path`: the full URL if it does, else the sentence saying why not. */
export function checkConnectorRequest(connector: CheckedConnector, { method, path }: { method: string; path: string }): ConnectorUrlCheck {
  if (!(connector.allowedMethods as readonly string[]).includes(method)) {
    return { ok: false, problem: `${connector.name} does not allow ${method} (allowed: ${connector.allowedMethods.join(", ")}).` };
  }
  return checkConnectorPath(connector, path);
}

/** The path half of the check: under the base URL and under one of the allowed prefixes (also used for redirects). */
export function checkConnectorPath(connector: Omit<CheckedConnector, "allowedMethods">, path: string): ConnectorUrlCheck {
  const checked = connectorRequestUrl(connector, path);
  if (!checked.ok) return checked;
  if (!connector.allowedPathPrefixes.some((prefix) => isUnderPrefix(pathnameOf(path), prefix))) {
    return { ok: false, problem: `${connector.name} allows only paths under ${connector.allowedPathPrefixes.join(", ")}; ${pathnameOf(path)} is not.` };
  }
  return checked;
}
