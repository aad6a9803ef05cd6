import { z } from "zod";

import type { JsonObject, JsonValue } from "../actions/json.ts";
import { humanField } from "../presentation/present-values.ts";
import type { AnyActionDefinition } from "./action-definition.ts";

/**
 * One field of the form people edit an action's parameters in, derived from the type's zod schema.
 * `path` is where its value sits in the parameters; the form names it `<prefix><path joined by .>`.
 */
export type ParameterField = {
  path: string[];
  label: string;
  required: boolean;
  description?: string;
} & (
  | { kind: "text"; maxLength?: number; format?: string }
  | { kind: "long_text"; maxLength?: number }
  | { kind: "number" | "integer"; min?: number; max?: number }
  | { kind: "boolean" }
  | { kind: "choice"; options: { value: string; label: string }[] }
  | { kind: "object"; fields: ParameterField[] }
  /** Names and values (an item's `data`): rows `<name>.<row>.key` and `<name>.<row>.value`. */
  | { kind: "map" }
  /** Scalars, one per line. */
  | { kind: "list"; items: "text" | "number" }
  /** Anything else, typed as JSON. */
  | { kind: "json" }
);

/** A problem found while reading a posted form, before the type's schema sees the parameters. */
export interface FormIssue {
  path: string[];
  message: string;
}

/** Longer text than this gets a text area rather than a one-line input. */
const LONG_TEXT = 2_048;

type JsonSchema = { [key: string]: unknown };

const isSchema = (value: unknown): value is JsonSchema => typeof value === "object" && value !== null && !Array.isArray(value);
const numberOf = (value: unknown) => (typeof value === "number" ? value : undefined);
const label = (key: string) => {
  const words = humanField(key);
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** `T | null` reads as `T`: a form has no separate way to say null. */
function withoutNull(schema: JsonSchema): JsonSchema {
  const variants = Array.isArray(schema.anyOf) ? schema.anyOf.filter(isSchema) : null;
  if (!variants) return schema;
  const others = variants.filter((variant) => variant.type !== "null");
  return others.length === 1 && others[0] ? { ...others[0], ...(typeof schema.description === "string" ? { description: schema.description } : {}) } : schema;
}

const scalarTypes = new Set(["string", "number", "integer", "boolean"]);

function fieldOf(key: string, path: string[], raw: JsonSchema, required: boolean): ParameterField {
  const schema = withoutNull(raw);
  const common = { path, label: label(key), required, ...(typeof schema.description === "string" ? { description: schema.description } : {}) };
  if (Array.isArray(schema.enum) && schema.enum.every((option) => typeof option === "string")) {
    return { ...common, kind: "choice", options: schema.enum.map((option: string) => ({ value: option, label: humanField(option) })) };
  }
  const maxLength = numberOf(schema.maxLength);
  if (schema.type === "string") {
    if (maxLength !== undefined && maxLength > LONG_TEXT) return { ...common, kind: "long_text", maxLength };
    return { ...common, kind: "text", ...(maxLength !== undefined ? { maxLength } : {}), ...(typeof schema.format === "string" ? { format: schema.format } : {}) };
  }
  if (schema.type === "integer" || schema.type === "number") {
    const exclusiveMin = numberOf(schema.exclusiveMinimum);
    const exclusiveMax = numberOf(schema.exclusiveMaximum);
    const step = schema.type === "integer" ? 1 : 0;
    const min = numberOf(schema.minimum) ?? (exclusiveMin === undefined ? undefined : exclusiveMin + step);
    const max = numberOf(schema.maximum) ?? (exclusiveMax === undefined ? undefined : exclusiveMax - step);
    return { ...common, kind: schema.type, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  }
  if (schema.type === "boolean") return { ...common, kind: "boolean" };
  if (schema.type === "object" && isSchema(schema.properties)) return { ...common, kind: "object", fields: fieldsOf(schema, path) };
  if (schema.type === "object" && isSchema(schema.additionalProperties)) {
    const values = schema.additionalProperties;
    if (Object.keys(values).length === 0 || scalarTypes.has(String(values.type))) return { ...common, kind: "map" };
  }
  if (schema.type === "array" && isSchema(schema.items) && scalarTypes.has(String(schema.items.type)) && schema.items.type !== "boolean") {
    return { ...common, kind: "list", items: schema.items.type === "string" ? "text" : "number" };
  }
  return { ...common, kind: "json" };
}

function fieldsOf(schema: JsonSchema, path: string[], leaveOut: readonly string[] = []): ParameterField[] {
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties).flatMap(([key, property]) =>
    isSchema(property) && !leaveOut.includes(key) ? [fieldOf(key, [...path, key], property, required.has(key))] : [],
  );
}

/**
 * The form fields of an action type's parameters, from its schema as JSON Schema (the input side:
 * a field with a default is not required). What Leash fills in itself (`resolvedParameters`) is left
 * out. Empty when the schema is not an object of named fields: such a type is edited as JSON only.
 */
export function parameterFormFields(definition: Pick<AnyActionDefinition, "parametersSchema" | "resolvedParameters">): ParameterField[] {
  let schema: JsonSchema;
  try {
    schema = z.toJSONSchema(definition.parametersSchema, { io: "input", unrepresentable: "any" });
  } catch {
    // A team's own type may use what JSON Schema cannot describe (a transform): people edit it as JSON.
    return [];
  }
  return schema.type === "object" ? fieldsOf(schema, [], definition.resolvedParameters ?? []) : [];
}

/** The name a field posts under, e.g. `p.data` for `data` with prefix `p.`. */
export const parameterFieldName = (prefix: string, field: Pick<ParameterField, "path">) => `${prefix}${field.path.join(".")}`;

const NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;
const hasPlaceholder = (text: string) => text.includes("{{");

/** A map value as typed: `null`, `true`, `false` and numbers are those values (null clears a field in an update); the rest is text. */
function mapValue(text: string): JsonValue {
  const trimmed = text.trim();
  if (trimmed === "null") return null;
  if (trimmed === "true" || trimmed === "false") return trimmed === "true";
  if (NUMBER.test(trimmed)) return Number(trimmed);
  return text;
}

function mapText(value: JsonValue | undefined): string {
  if (typeof value === "string") return value;
  return value === undefined ? "" : JSON.stringify(value);
}

/** The row numbers posted for a map (`p.data.3.key` -> 3), in order. */
function rowsOf(name: string, names: readonly string[]): number[] {
  const rows = new Set<number>();
  const pattern = new RegExp(`^${name.replaceAll(".", "\\.")}\\.(\\d{1,4})\\.(?:key|value)$`);
  for (const posted of names) {
    const row = pattern.exec(posted)?.[1];
    if (row !== undefined) rows.add(Number(row));
  }
  return [...rows].sort((a, b) => a - b);
}

/** The posted form as read by `parametersFromForm`: a field's text by name, and every posted name. */
export interface PostedForm {
  get(name: string): string | undefined;
  names: readonly string[];
}

/**
 * The parameters a form posted, rebuilt from its fields: numbers and booleans converted, empty
 * optional fields left out. What the values may be is the type's schema's to say, so its messages
 * name the field; only what cannot be read at all (text in a number field, JSON that does not
 * parse) is an issue here. A placeholder (`{{params.x}}`) stays as typed wherever it is, for
 * template steps.
 */
export function parametersFromForm(fields: readonly ParameterField[], form: PostedForm, prefix: string): { parameters: JsonObject; issues: FormIssue[] } {
  const issues: FormIssue[] = [];
  const read = (list: readonly ParameterField[]): JsonObject => {
    const parameters: JsonObject = {};
    for (const field of list) {
      const value = readField(field);
      if (value !== undefined) parameters[field.path.at(-1) ?? ""] = value;
    }
    return parameters;
  };
  const readField = (field: ParameterField): JsonValue | undefined => {
    const name = parameterFieldName(prefix, field);
    const text = form.get(name) ?? "";
    const blank = text.trim() === "";
    switch (field.kind) {
      case "boolean":
        return text === "on" || text === "true";
      case "object": {
        const nested = read(field.fields);
        return Object.keys(nested).length > 0 || field.required ? nested : undefined;
      }
      case "map": {
        const entries: [string, JsonValue][] = [];
        for (const row of rowsOf(name, form.names)) {
          const key = (form.get(`${name}.${row}.key`) ?? "").trim();
          const value = form.get(`${name}.${row}.value`) ?? "";
          if (key === "" && value.trim() === "") continue;
          if (key === "") issues.push({ path: field.path, message: `give the value in row ${row + 1} a name` });
          else entries.push([key, hasPlaceholder(value) ? value : mapValue(value)]);
        }
        return entries.length > 0 || field.required ? Object.fromEntries(entries) : undefined;
      }
      case "list": {
        if (blank) return field.required ? [] : undefined;
        const lines = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
        return field.items === "number" ? lines.map((line) => (NUMBER.test(line) ? Number(line) : line)) : lines;
      }
      case "json": {
        if (blank) return undefined;
        try {
          return z.json().parse(JSON.parse(text));
        } catch {
          issues.push({ path: field.path, message: "this is not valid JSON" });
          return undefined;
        }
      }
      case "number":
      case "integer": {
        if (blank) return undefined;
        const trimmed = text.trim();
        if (NUMBER.test(trimmed)) return Number(trimmed);
        if (!hasPlaceholder(trimmed)) issues.push({ path: field.path, message: field.kind === "integer" ? "enter a whole number" : "enter a number" });
        return trimmed;
      }
      default:
        // Text left empty: an optional field is left out; a required one goes as typed, so the schema says what it needs.
        return blank && !field.required ? undefined : text;
    }
  };
  return { parameters: read(fields), issues };
}

/** The form's values for parameters (the inverse of `parametersFromForm`): text by field name; a map's rows numbered from 0. */
export function parameterFormValues(fields: readonly ParameterField[], parameters: JsonObject, prefix: string): Record<string, string> {
  const values: Record<string, string> = {};
  const write = (list: readonly ParameterField[], source: JsonObject) => {
    for (const field of list) {
      const value = source[field.path.at(-1) ?? ""];
      const name = parameterFieldName(prefix, field);
      if (value === undefined) continue;
      if (field.kind === "object") {
        if (isSchema(value)) write(field.fields, value);
      } else if (field.kind === "map" && isSchema(value)) {
        Object.entries(value).forEach(([key, item], row) => {
          values[`${name}.${row}.key`] = key;
          values[`${name}.${row}.value`] = mapText(item);
        });
      } else if (field.kind === "boolean") {
        values[name] = value === true ? "on" : "";
      } else if (field.kind === "list" && Array.isArray(value)) {
        values[name] = value.map(mapText).join("\n");
      } else if (field.kind === "json" || typeof value === "object") {
        values[name] = JSON.stringify(value, null, 2);
      } else {
        values[name] = String(value);
      }
    }
  };
  write(fields, parameters);
  return values;
}

/**
 * Which field an issue about the parameters belongs to (its path inside the parameters), and the
 * rest of the path for one inside a map or JSON field; null when it is about the parameters as a
 * whole or a field the form does not have.
 */
export function fieldForIssue(fields: readonly ParameterField[], path: readonly (string | number)[]): { field: ParameterField; rest: string[] } | null {
  const key = path[0];
  const field = fields.find((candidate) => candidate.path.at(-1) === String(key));
  if (key === undefined || !field) return null;
  const rest = path.slice(1).map(String);
  if (field.kind === "object" && rest.length > 0) return fieldForIssue(field.fields, rest) ?? { field, rest };
  return { field, rest };
}
