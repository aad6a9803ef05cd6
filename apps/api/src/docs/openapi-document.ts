import type { AnyTRPCRouter } from "@trpc/server";
import { z } from "zod";

import {
  actionEventViewSchema,
  actionFilterFields,
  actionViewSchema,
  jsonValueSchema,
  MAX_BATCH_SIZE,
  MAX_JSON_DEPTH,
  MAX_PARAMETERS_BYTES,
  policyViewSchema,
  preferenceViewSchema,
  templateViewSchema,
} from "@leash/core";

import { describeProcedures } from "./describe-procedures.ts";

type JsonSchema = Record<string, unknown>;
export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, OpenApiOperation>> };
export interface OpenApiOperation {
  operationId: string;
  tags: string[];
  summary: string;
  description: string;
  [key: string]: unknown;
}

/** The error every failing procedure answers with (tRPC's shape, with the zod issues of a bad input). */
const errorSchema = z.object({
  error: z.object({
    message: z.string(),
    code: z.int().describe("JSON-RPC error number"),
    data: z.object({
      code: z
        .enum(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "PAYLOAD_TOO_LARGE", "UNPROCESSABLE_CONTENT", "TOO_MANY_REQUESTS", "INTERNAL_SERVER_ERROR"])
        .describe("BAD_REQUEST: invalid input; CONFLICT: a lost race or a refused rollback; UNPROCESSABLE_CONTENT: not reversible"),
      httpStatus: z.int(),
      path: z.string().optional(),
      issues: z.array(z.object({ path: z.array(z.string()), message: z.string() })).nullable(),
    }),
  }),
});

/** Shared shapes, named once in the document instead of repeated in every procedure. */
const named: Record<string, z.ZodType> = {
  ActionView: actionViewSchema,
  ActionEvent: actionEventViewSchema,
  Template: templateViewSchema,
  Preference: preferenceViewSchema,
  Policy: policyViewSchema,
  JsonValue: jsonValueSchema,
  Error: errorSchema,
};

const componentRef = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/**
 * Turns the schemas of one direction (inputs as a caller sends them, outputs as the API answers)
 * into components: every registered schema gets its own entry and is referenced wherever it is
 * nested; the few definitions zod shares besides (recursive ones) are hoisted next to them.
 */
function components(entries: Map<z.ZodType, string>, io: "input" | "output"): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [schema, id] of entries) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io, uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any" });
  const hoisted = new Map<string, string>();
  const schemas: Record<string, JsonSchema> = {};
  const shared = generated.schemas.__shared?.$defs;
  if (shared !== undefined && typeof shared === "object") {
    for (const [name, definition] of Object.entries(shared)) {
      hoisted.set(name, `${io}.${name}`);
      schemas[`${io}.${name}`] = definition;
    }
  }
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "$schema" && key !== "$id")
        .map(([key, inner]) => {
          if (key === "$ref" && typeof inner === "string") {
            const shared = /^#\/components\/schemas\/__shared#\/\$defs\/(.+)$/.exec(inner)?.[1];
            return [key, shared ? `#/components/schemas/${hoisted.get(shared) ?? shared}` : inner];
          }
          return [key, rewrite(inner)];
        }),
    );
  };
  for (const [id, schema] of Object.entries(generated.schemas)) {
    if (id !== "__shared") schemas[id] = schema;
  }
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, rewrite(schema) as JsonSchema]));
}

/** A subscription answers with server-sent events: each `data:` line is one output, as JSON. */
function eventStreamResponse(outputId: string | null) {
  return {
    description:
      "Server-sent events (Accept: text/event-stream): each event's data is one value as JSON, its id the value's version; comment lines are keep-alive pings. Reconnect with the Last-Event-ID header (or input.lastEventId) to resume.",
    content: {
      "text/event-stream": {
        schema: { type: "object", description: "one event", properties: { id: { type: "string" }, data: outputId ? componentRef(outputId) : {} } },
      },
    },
  };
}

const exportFilterDescription =
  "The filters of action.list as query parameters; a list is the parameter repeated or comma-separated (status=failed,cancelled).";

/**
 * The OpenAPI 3.1 document of the API, generated from the router: every procedure with the zod
 * schemas it validates its input and output with, as it is called over HTTP (tRPC without a
 * transformer: a query is `GET /trpc/<path>?input=<JSON>`, a mutation `POST /trpc/<path>` with the
 * JSON input as the body; the answer is `{"result":{"data": <output>}}`), plus the export endpoints.
 *
 * Generated here with zod's own JSON Schema output rather than by trpc-to-openapi, which documents
 * a second, REST-shaped API instead of `/trpc`, refuses a procedure whose input is not an object
 * (`action.propose` takes a discriminated union), and coerces query values by mutating the shared
 * zod schemas in place (`z.boolean()` would then read "false" as true everywhere).
 */
export function buildOpenApiDocument(router: AnyTRPCRouter, options: { version: string; serverUrl?: string; maxBodyBytes?: number }): OpenApiDocument {
  const procedures = describeProcedures(router);
  const inputs = new Map<z.ZodType, string>([[jsonValueSchema, "JsonValue"]]);
  const outputs = new Map<z.ZodType, string>(Object.entries(named).map(([id, schema]) => [schema, id]));
  const idFor = (entries: Map<z.ZodType, string>, schema: z.ZodType, id: string) => {
    const known = entries.get(schema);
    if (known !== undefined) return known;
    entries.set(schema, id);
    return id;
  };

  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const procedure of procedures) {
    const [tag = procedure.path] = procedure.path.split(".");
    const inputId = procedure.input ? idFor(inputs, procedure.input, `${procedure.path}.input`) : null;
    const outputId = procedure.output ? idFor(outputs, procedure.output, `${procedure.path}.output`) : null;
    const inputRequired = procedure.input ? !procedure.input.safeParse(undefined).success : false;
    const responses = {
      "200": {
        description: "Success: the output is in result.data",
        content: {
          "application/json": {
            schema: {
              type: "object",
              required: ["result"],
              properties: { result: { type: "object", required: ["data"], properties: { data: outputId ? componentRef(outputId) : {} } } },
            },
          },
        },
      },
      "4XX": { description: "Refused: error.data.code says why (see Error)", content: { "application/json": { schema: componentRef("Error") } } },
      "500": { description: "Internal error", content: { "application/json": { schema: componentRef("Error") } } },
    };
    const operation: OpenApiOperation = {
      operationId: procedure.path,
      tags: [tag],
      summary: procedure.path,
      description: procedure.description,
      security: [{ apiKey: [] }],
      responses,
    };
    const parameters = inputId
      ? [{ name: "input", in: "query", required: inputRequired, description: "The input as JSON (URL-encoded)", content: { "application/json": { schema: componentRef(inputId) } } }]
      : [];
    if (procedure.type === "query") {
      paths[`/trpc/${procedure.path}`] = { get: { ...operation, parameters } };
    } else if (procedure.type === "subscription") {
      paths[`/trpc/${procedure.path}`] = { get: { ...operation, parameters, responses: { ...responses, "200": eventStreamResponse(outputId) } } };
    } else {
      const requestBody = inputId ? { required: inputRequired, content: { "application/json": { schema: componentRef(inputId) } } } : undefined;
      paths[`/trpc/${procedure.path}`] = { post: { ...operation, ...(requestBody ? { requestBody } : {}) } };
    }
  }

  const filterParameters = Object.entries(actionFilterFields).map(([name, schema]) => ({
    name,
    in: "query",
    required: false,
    explode: true,
    schema: rewriteInline(z.toJSONSchema(schema, { io: "input", unrepresentable: "any" })),
  }));
  for (const format of ["csv", "json"] as const) {
    paths[`/export/actions.${format}`] = {
      get: {
        operationId: `export.actions.${format}`,
        tags: ["export"],
        summary: `export actions as ${format.toUpperCase()}`,
        description: `The filtered history, newest first, streamed. ${format === "csv" ? "A header row, then one row per action; nested values as JSON; cells that would start a spreadsheet formula are prefixed with '." : "A JSON array of actions."} ${exportFilterDescription}`,
        security: [{ apiKey: [] }],
        parameters: filterParameters,
        responses: {
          "200": {
            description: "The export, as an attachment",
            content:
              format === "csv"
                ? { "text/csv": { schema: { type: "string" } } }
                : { "application/json": { schema: { type: "array", items: componentRef("ActionView") } } },
          },
          "4XX": { description: "Refused: invalid filters (400), no or a bad API key (401)", content: { "application/json": { schema: componentRef("Error") } } },
        },
      },
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Leash agent API",
      version: options.version,
      description:
        "Agents propose actions, people approve them, workers execute them, everything is audited and can be rolled back. " +
        "Every procedure is tRPC over plain HTTP (no transformer): a query is GET /trpc/<procedure>?input=<URL-encoded JSON>, " +
        "a mutation is POST /trpc/<procedure> with the JSON input as the body (Content-Type: application/json). " +
        'A success answers {"result":{"data": <output>}}; a failure answers {"error":{...}} with error.data.code and the zod issues of a bad input. ' +
        "Authenticate with Authorization: Bearer <api key>. " +
        `Limits: an action's parameters at most ${MAX_PARAMETERS_BYTES / 1024} KiB of JSON, nested at most ${MAX_JSON_DEPTH} levels deep (template steps and run values too); a batch of 1 to ${MAX_BATCH_SIZE} actions` +
        (options.maxBodyBytes ? `; a request body at most ${options.maxBodyBytes / 1024 / 1024} MiB (413 above). ` : ". ") +
        "action.watch streams server-sent events; MCP clients connect to POST /mcp (Streamable HTTP, the same API key) for the same actions as tools. This document is generated from the router at start, so it always matches the running API.",
    },
    servers: [{ url: options.serverUrl ?? "/" }],
    tags: [...new Set(procedures.map((procedure) => procedure.path.split(".")[0] ?? procedure.path)), "export"].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { apiKey: { type: "http", scheme: "bearer", description: "An API key: lsh_<public id>_<secret>" } },
      schemas: { ...components(inputs, "input"), ...components(outputs, "output") },
    },
  };
}

function rewriteInline(schema: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema"));
}
