import { z } from "zod";

import { jsonValueSchema } from "../actions/json.ts";
import { isUnderPrefix, pathnameOf, pathProblem } from "./connector-path.ts";
import { hasControlCharacter, jsonHasUnsafeText, safeText, unsafeTextMessage } from "./safe-text.ts";
import { ANY_UNDO_PLACEHOLDER, undoPlaceholderHint, unknownUndoPlaceholder } from "./undo-placeholders.ts";

export const httpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const httpMethodSchema = z.enum(httpMethods);
export type HttpMethod = z.infer<typeof httpMethodSchema>;

export const MIN_CONNECTOR_TIMEOUT_MS = 100;
export const MAX_CONNECTOR_TIMEOUT_MS = 30_000;
export const DEFAULT_CONNECTOR_TIMEOUT_MS = 10_000;
export const MAX_CONNECTOR_HEADERS = 20;
export const MAX_PATH_PREFIXES = 20;
/** Upper bound on an undo template's body, as on an action's parameters. */
export const MAX_UNDO_BODY_BYTES = 16 * 1024;
const MAX_UNDO_BODY_DEPTH = 10;

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

/** Set by Leash on every request (framing, signature, idempotency); a connector may not override them. */
const RESERVED_HEADERS = new Set(["host", "content-length", "content-type", "transfer-encoding", "connection", "upgrade", "te", "trailer", "keep-alive", "idempotency-key"]);

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

/** Deepest nesting of a JSON value, found without recursion so a hostile value cannot overflow the stack. */
function jsonDepthAbove(value: unknown, limit: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next || typeof next.value !== "object" || next.value === null) continue;
    if (next.depth >= limit) return true;
    for (const child of Object.values(next.value)) stack.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

function jsonStrings(value: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === "string") found.push(next);
    else if (typeof next === "object" && next !== null) stack.push(...Object.values(next as Record<string, unknown>));
  }
  return found;
}

const undoBodySchema = z
  .unknown()
  .superRefine((body, context) => {
    // `continue: false`: zod's JSON check below recurses, so a value too deep must stop here.
    if (jsonDepthAbove(body, MAX_UNDO_BODY_DEPTH)) context.addIssue({ code: "custom", message: `must not nest more than ${MAX_UNDO_BODY_DEPTH} levels deep`, continue: false });
  })
  .pipe(jsonValueSchema)
  .superRefine((body, context) => {
    if (Buffer.byteLength(JSON.stringify(body), "utf8") > MAX_UNDO_BODY_BYTES) context.addIssue({ code: "custom", message: `must be at most ${MAX_UNDO_BODY_BYTES / 1024} KiB as JSON` });
    if (jsonHasUnsafeText(body)) context.addIssue({ code: "custom", message: unsafeTextMessage });
    const unknown = jsonStrings(body).map(unknownUndoPlaceholder).find((found) => found !== undefined);
    if (unknown) context.addIssue({ code: "custom", message: `${unknown} is not a placeholder: ${undoPlaceholderHint}` });
  });

/** The path with every placeholder standing in as one plain segment, to check it as a path. */
export const undoPathSample = (path: string) => path.replace(ANY_UNDO_PLACEHOLDER, "x");

/**
 * The request that undoes a call, e.g. `DELETE /invoices/{{result.body.id}}`; placeholders are
 * filled from the answer to the call and the action's parameters when the rollback is planned.
 */
export const undoTemplateSchema = z.strictObject({
  method: httpMethodSchema,
  path: safeText(z.string().min(1).max(2048)).superRefine((path, context) => {
    const unknown = unknownUndoPlaceholder(path);
    if (unknown) context.addIssue({ code: "custom", message: `${unknown} is not a placeholder: ${undoPlaceholderHint}` });
    const problem = pathProblem(undoPathSample(path));
    if (problem) context.addIssue({ code: "custom", message: problem });
  }),
  body: undoBodySchema.optional(),
});
export type UndoTemplate = z.output<typeof undoTemplateSchema>;

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** The fields of a connector, each checked on its own; shared by create, update and the console's form. */
const fields = {
  name: connectorNameSchema,
  baseUrl: baseUrlSchema,
  allowedMethods: z.array(httpMethodSchema).min(1, "allow at least one method").max(httpMethods.length).transform(unique),
  allowedPathPrefixes: z.array(pathPrefixSchema).min(1, "allow at least one path prefix, e.g. /").max(MAX_PATH_PREFIXES).transform(unique),
  headers: z.array(connectorHeaderInputSchema).max(MAX_CONNECTOR_HEADERS),
  timeoutMs: z.int().min(MIN_CONNECTOR_TIMEOUT_MS).max(MAX_CONNECTOR_TIMEOUT_MS),
  allowPrivateNetwork: z.boolean(),
  /** null: calls through this connector cannot be undone. */
  undo: undoTemplateSchema.nullable(),
};

type Settings = {
  allowedMethods: HttpMethod[];
  allowedPathPrefixes: string[];
  headers: { name: string; value?: string | undefined; secret: boolean }[];
  undo: UndoTemplate | null;
};

/** What only the whole connector can tell: headers named once, plain headers with values, an undo it may send. */
function checkSettings(settings: Settings, context: z.RefinementCtx): void {
  const seen = new Set<string>();
  settings.headers.forEach((header, index) => {
    const lower = header.name.toLowerCase();
    if (seen.has(lower)) context.addIssue({ code: "custom", path: ["headers", index, "name"], message: `${header.name} is given twice` });
    seen.add(lower);
    if (!header.secret && header.value === undefined) context.addIssue({ code: "custom", path: ["headers", index, "value"], message: "a header that is not secret needs a value" });
  });
  const undo = settings.undo;
  if (undo === null) return;
  if (!settings.allowedMethods.includes(undo.method)) {
    context.addIssue({ code: "custom", path: ["undo", "method"], message: `${undo.method} is not among the connector's allowed methods` });
  }
  const pathname = pathnameOf(undoPathSample(undo.path));
  if (!settings.allowedPathPrefixes.some((prefix) => isUnderPrefix(pathname, prefix))) {
    context.addIssue({ code: "custom", path: ["undo", "path"], message: "must be under one of the connector's allowed path prefixes" });
  }
}

/** A whole connector's settings, where a secret header may come without its value (an update keeps the stored one). */
export const connectorSettingsSchema = z
  .strictObject({
    ...fields,
    headers: fields.headers.default([]),
    timeoutMs: fields.timeoutMs.default(DEFAULT_CONNECTOR_TIMEOUT_MS),
    allowPrivateNetwork: fields.allowPrivateNetwork.default(false),
    undo: fields.undo.default(null),
  })
  .superRefine(checkSettings);
export type ConnectorSettings = z.output<typeof connectorSettingsSchema>;

export const createConnectorInputSchema = connectorSettingsSchema.superRefine((settings, context) => {
  settings.headers.forEach((header, index) => {
    if (header.secret && header.value === undefined) context.addIssue({ code: "custom", path: ["headers", index, "value"], message: "a secret header needs its value" });
  });
});
export type CreateConnectorInput = z.input<typeof createConnectorInputSchema>;

/**
 * Changes to a connector: fields left out keep their value. `headers`, when given, replaces the
 * list; a secret header given without a value keeps its stored value.
 */
export const updateConnectorInputSchema = z.strictObject({
  connectorId: z.uuid(),
  name: fields.name.optional(),
  baseUrl: fields.baseUrl.optional(),
  allowedMethods: fields.allowedMethods.optional(),
  allowedPathPrefixes: fields.allowedPathPrefixes.optional(),
  headers: fields.headers.optional(),
  timeoutMs: fields.timeoutMs.optional(),
  allowPrivateNetwork: fields.allowPrivateNetwork.optional(),
  undo: fields.undo.optional(),
});
export type UpdateConnectorInput = z.input<typeof updateConnectorInputSchema>;

export const connectorRefInputSchema = z.strictObject({ connectorId: z.uuid() });
export type ConnectorRefInput = z.input<typeof connectorRefInputSchema>;
