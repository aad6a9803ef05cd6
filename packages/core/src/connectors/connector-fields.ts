/** The fields of a connector, each checked on its own (connector-inputs.ts checks them together). */
import { z } from "zod";

import { pathProblem } from "./connector-path.ts";
import { safeText } from "../actions/storable.ts";
import { hasControlCharacter } from "./safe-text.ts";

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const httpMethodSchema = z.enum(httpMethods);
export type HttpMethod = z.infer<typeof httpMethodSchema>;

export const MIN_CONNECTOR_TIMEOUT_MS = 100;
export const MAX_CONNECTOR_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECTOR_TIMEOUT_MS = 10_000;
export const MAX_CONNECTOR_HEADERS = 20;
export const MAX_PATH_PREFIXES = 20;

/** A slug agents name in their proposals: lower-case letters, digits and inner hyphens. */
export const connectorNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "must be a slug: lower-case letters, digits and hyphens, e.g. billing-api");

/** Where a base URL's path starts in the text as written (before a URL parser normalises it). */
const RAW_BASE_PATH = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/;

function baseUrlProblem(raw: string): string | null {
  if (hasControlCharacter(raw, { orSpace: true }) || raw.includes("\\")) return "must not contain spaces, backslashes or control characters";
  if (raw.includes("?") || raw.includes("#")) return "must not have a query string or a fragment";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute URL, e.g. https://billing.example.com/v1";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "must start with http:// or https://";
  if (url.username !== "" || url.password !== "") return "must not hold credentials (put them in a secret header)";
  if (url.hostname === "") return "must name a host";
  const rawPath = RAW_BASE_PATH.exec(raw)?.[1] ?? "/";
  const problem = pathProblem(rawPath);
  return problem ? `path ${problem}` : null;
}

/** The service's root: http(s), no credentials, query or fragment; stored as origin + path without a trailing slash. */
export const baseUrlSchema = safeText(z.string().trim().min(1).max(2048)).transform((raw, context) => {
  const problem = baseUrlProblem(raw);
  if (problem) {
    context.addIssue({ code: "custom", message: problem });
    return z.NEVER;
  }
  const url = new URL(raw);
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
});

export const pathPrefixSchema = safeText(z.string().min(1).max(512)).superRefine((prefix, context) => {
  const problem = prefix.includes("?") ? "must not have a query string" : pathProblem(prefix);
  if (problem) context.addIssue({ code: "custom", message: problem });
});

/**
 * Set by Leash on every request (framing, signature, idempotency), or that would change how the
 * answer is read (Leash does not decompress, nor wait for a 100 Continue); a connector may not set them.
 */
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "upgrade",
  "te",
  "trailer",
  "keep-alive",
  "expect",
  "accept-encoding",
  "idempotency-key",
]);

export const headerNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name: letters, digits and !#$%&'*+-.^_`|~")
  .superRefine((name, context) => {
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || lower.startsWith("webhook-")) {
      context.addIssue({ code: "custom", message: `${lower} is set by Leash on every request and cannot be configured` });
    }
  });

/** What Node puts in a header: tab, printable ASCII and Latin-1; never CR, LF or NUL (header injection). */
export const headerValueSchema = z
  .string()
  .max(8192)
  .regex(/^[\t\u0020-\u007e\u0080-\u00ff]*$/, "must be printable Latin-1 text on one line (no CR, LF, NUL or other control characters)");

/** A header sent with every request; a secret one's value is stored encrypted and never shown again. */
export const connectorHeaderInputSchema = z.strictObject({
  name: headerNameSchema,
  /** Left out of an update for a secret header: it keeps its stored value. */
  value: headerValueSchema.optional(),
  secret: z.boolean().default(false),
});
export type ConnectorHeaderInput = z.input<typeof connectorHeaderInputSchema>;
