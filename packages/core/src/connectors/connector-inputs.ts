import { z } from "zod";

import {
  baseUrlSchema,
  connectorHeaderInputSchema,
  connectorNameSchema,
  DEFAULT_CONNECTOR_TIMEOUT_MS,
  httpMethods,
  httpMethodSchema,
  MAX_CONNECTOR_HEADERS,
  MAX_CONNECTOR_TIMEOUT_MS,
  MAX_PATH_PREFIXES,
  MIN_CONNECTOR_TIMEOUT_MS,
  pathPrefixSchema,
  type HttpMethod,
} from "./connector-fields.ts";
import { isUnderPrefix, pathnameOf } from "./connector-path.ts";
import { undoPathSample, undoTemplateSchema, type UndoTemplate } from "./undo-template-schema.ts";

const unique = <T>(values: T[]): T[] => [...new Set(values)];

/** The fields of a connector, each checked on its own; shared by create, update and the console's form. */
const fields = {
  name: connectorNameSchema,
  baseUrl: baseUrlSchema,
  allowedMethods: z
    .array(httpMethodSchema)
    .min(1, "must allow at least one method")
    .max(httpMethods.length)
    .transform(unique),
  allowedPathPrefixes: z
    .array(pathPrefixSchema)
    .min(1, "must allow at least one path prefix, e.g. /")
    .max(MAX_PATH_PREFIXES)
    .transform(unique),
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
    if (seen.has(lower))
      context.addIssue({
        code: "custom",
        path: ["headers", index, "name"],
        message: `${header.name} is given twice`,
      });
    seen.add(lower);
    if (!header.secret && header.value === undefined)
      context.addIssue({
        code: "custom",
        path: ["headers", index, "value"],
        message: "a header that is not secret needs a value",
      });
  });
  const undo = settings.undo;
  if (undo === null) return;
  if (!settings.allowedMethods.includes(undo.method)) {
    context.addIssue({
      code: "custom",
      path: ["undo", "method"],
      message: `${undo.method} is not among the connector's allowed methods`,
    });
  }
  const pathname = pathnameOf(undoPathSample(undo.path));
  if (!settings.allowedPathPrefixes.some((prefix) => isUnderPrefix(pathname, prefix))) {
    context.addIssue({
      code: "custom",
      path: ["undo", "path"],
      message: "must be under one of the connector's allowed path prefixes",
    });
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
    if (header.secret && header.value === undefined)
      context.addIssue({
        code: "custom",
        path: ["headers", index, "value"],
        message: "a secret header needs its value",
      });
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

export const rotateConnectorSigningSecretInputSchema = connectorRefInputSchema.extend({
  /**
   * True: the replaced secret stops signing at once (it leaked). False (the default): requests
   * carry a signature with each secret for SIGNING_SECRET_GRACE_HOURS, so receivers switch in their own time.
   */
  revokePrevious: z.boolean().default(false),
});
export type RotateConnectorSigningSecretInput = z.input<typeof rotateConnectorSigningSecretInputSchema>;
