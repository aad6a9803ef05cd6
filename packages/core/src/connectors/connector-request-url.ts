import { pathProblem } from "./connector-path.ts";
import type { StoredConnector } from "./stored-connector.ts";

/** A request's full URL, or the sentence saying why there is none. */
export type ConnectorUrlCheck = { ok: true; url: URL } | { ok: false; problem: string };

const quoted = (text: string) => JSON.stringify(text.length > 120 ? `${text.slice(0, 119)}…` : text);

/**
 * The full URL of `path` (which may carry a query string) under the connector's base URL. The path
 * is refused when it could lead anywhere else; the URL is then resolved and checked again to be
 * under the base URL (same origin, pathname below the base path), so a parser's surprise cannot
 * carry a request off the connector.
 */
export function connectorRequestUrl(connector: Pick<StoredConnector, "name" | "baseUrl">, path: string): ConnectorUrlCheck {
  const problem = pathProblem(path);
  if (problem) return { ok: false, problem: `The path ${quoted(path)} ${problem}.` };
  const base = new URL(connector.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(`${base.origin}${basePath}${path}`);
  } catch {
    return { ok: false, problem: `The path ${quoted(path)} does not make a URL under ${connector.baseUrl}.` };
  }
  const underBase = url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
  if (url.origin !== base.origin || !underBase || url.username !== "" || url.password !== "") {
    return { ok: false, problem: `The path ${quoted(path)} leads outside ${connector.name}'s base URL ${connector.baseUrl}.` };
  }
  return { ok: true, url };
}
