import { CoreError } from "../errors.ts";
import { checkConnectorPath } from "./check-connector-request.ts";
import type { HttpMethod } from "./connector-fields.ts";
import type { StoredConnector } from "./stored-connector.ts";

export const MAX_CONNECTOR_REDIRECTS = 3;
export const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export interface Hop {
  method: HttpMethod;
  url: URL;
  /** The JSON body as sent, or undefined for none. */
  payload: string | undefined;
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);

/**
 * The request a redirect leads to, if the connector may follow it: same origin, under the base
 * path and an allowed prefix, checked like any request path; at most MAX_CONNECTOR_REDIRECTS in a
 * row. Anything else is a permanent failure naming where it pointed: the redirect is not followed.
 * The method is not re-checked: a 303 after a POST is the way to read what the POST did.
 */
export function followRedirect(
  connector: Pick<StoredConnector, "name" | "baseUrl" | "allowedPathPrefixes">,
  { from, status, location, followed }: { from: Hop; status: number; location: string; followed: number },
): Hop {
  const refuse = (why: string) => new CoreError("CONFLICT", `${connector.name} redirected to ${clip(location)}: ${why}; the redirect was not followed`);
  if (followed >= MAX_CONNECTOR_REDIRECTS) throw refuse(`more than ${MAX_CONNECTOR_REDIRECTS} redirects in a row`);
  let target: URL;
  try {
    target = new URL(location, from.url);
  } catch {
    throw refuse("that is not a URL");
  }
  const base = new URL(connector.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, "");
  if (target.origin !== base.origin || !(target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))) {
    throw refuse(`that is outside its base URL ${connector.baseUrl}`);
  }
  const checked = checkConnectorPath(connector, `${target.pathname.slice(basePath.length) || "/"}${target.search}`);
  if (!checked.ok) throw refuse(checked.problem.replace(/\.$/, ""));
  // As browsers do: 303, and 301/302 after a POST, fetch the new place with GET and no body.
  const asGet = status === 303 || ((status === 301 || status === 302) && from.method === "POST");
  return asGet ? { method: "GET", url: checked.url, payload: undefined } : { ...from, url: checked.url };
}
