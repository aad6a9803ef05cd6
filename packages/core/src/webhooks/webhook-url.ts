import { isIP } from "node:net";

import { z } from "zod";

import { safeText } from "../actions/storable.ts";
import { CoreError } from "../errors.ts";
import { addressRefusal } from "../connectors/address-refusal.ts";
import { hasControlCharacter } from "../connectors/safe-text.ts";

export const MAX_WEBHOOK_URL_LENGTH = 2048;

function urlProblem(raw: string): string | null {
  if (hasControlCharacter(raw, { orSpace: true }) || raw.includes("\\")) return "must not contain spaces, backslashes or control characters";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL, e.g. https://hooks.example.com/leash";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must start with http:// or https://";
  if (url.username !== "" || url.password !== "") return "must not hold credentials (the signature authenticates Leash; a token may go in the query string)";
  if (url.hostname === "") return "must name a host";
  if (url.hash !== "" || raw.includes("#")) return "must not have a fragment";
  return null;
}

/** Where deliveries are POSTed: http(s), no credentials or fragment; stored as the URL parser writes it. */
export const webhookUrlSchema = safeText(z.string().trim().min(1).max(MAX_WEBHOOK_URL_LENGTH)).transform((raw, context) => {
  const problem = urlProblem(raw);
  if (problem) {
    context.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  return new URL(raw).href;
});

/**
 * Refuses an endpoint whose URL names an address outright that it may not be sent to, as INVALID on
 * `url`. (A host name is checked each time a delivery resolves it, as connectors' are: see pin-address.ts.)
 */
export function assertWebhookAddress(url: string, allowPrivateNetwork: boolean): void {
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
  if (isIP(host) === 0 || addressRefusal(host, { allowPrivateNetwork }) === null) return;
  const message =
    addressRefusal(host, { allowPrivateNetwork: true }) === null
      ? `${host} is a private or loopback address: allow the private network to send to it`
      : `${host} is an address Leash never sends to (link-local, multicast or another special range)`;
  throw new CoreError("INVALID", `Invalid webhook endpoint: url: ${message}`, { issues: [{ path: ["url"], message }] });
}
