import { fieldForIssue, findActionType, issueSentence, parameterFormFields, parametersFromForm, type JsonObject, type ParameterField } from "@leash/core";

import type { FieldOf } from "./core-errors.server.ts";

/** Where a form's parameters are posted: its fields under `prefix`, and the JSON of the advanced view as `jsonName`. */
export interface ParameterFormNames {
  prefix: string;
  jsonName: string;
}

/** The form fields of a registered action type's parameters; none for a name this server does not know. */
export function parameterFieldsOf(actionType: string): ParameterField[] {
  const definition = findActionType(actionType);
  return definition ? parameterFormFields(definition) : [];
}

/** Parameters as a form posted them, with what was typed, to show again if they are refused. */
export interface PostedParameters {
  /** `json` once the JSON view was changed from what the page showed; the fields otherwise. */
  mode: "json" | "fields";
  /** Null when they could not be read at all (see `fieldErrors`). */
  parameters: JsonObject | null;
  fieldErrors: Record<string, string>;
  /** The fields' text by path inside the parameters (`title`, `data.0.key`). */
  values: Record<string, string>;
  json: string;
  jsonShown: string;
}

/** Browsers post a text area's line breaks as CRLF: compared as LF, an untouched JSON view reads as untouched. */
const asLf = (text: string | undefined) => (text ?? "").replaceAll("\r\n", "\n");

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The parameters posted by a `ParameterFields` form: the JSON when it was edited, else rebuilt from
 * the fields. Only what cannot be read is refused here; what the values may be is core's to check.
 */
export function postedParameters(form: FormData, fields: readonly ParameterField[], { prefix, jsonName }: ParameterFormNames): PostedParameters {
  const values: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (name.startsWith(prefix) && typeof value === "string") values[name.slice(prefix.length)] = value;
  }
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : undefined;
  };
  const json = asLf(text(jsonName));
  const jsonShown = asLf(text(`${jsonName}Shown`));
  const typed = { values, json, jsonShown };
  if (json !== jsonShown) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      return { ...typed, mode: "json", parameters: null, fieldErrors: { [jsonName]: "this is not valid JSON" } };
    }
    if (!isObject(parsed)) return { ...typed, mode: "json", parameters: null, fieldErrors: { [jsonName]: "the parameters must be a JSON object" } };
    return { ...typed, mode: "json", parameters: parsed, fieldErrors: {} };
  }
  const { parameters, issues } = parametersFromForm(fields, { get: (name) => values[name], names: Object.keys(values) }, "");
  const fieldErrors = Object.fromEntries(issues.map((issue) => [`${prefix}${issue.path.join(".")}`, issueSentence(issue)]));
  return { ...typed, mode: "fields", parameters: issues.length > 0 ? null : parameters, fieldErrors };
}

/**
 * Where core's issue about the parameters (its path inside them) shows: under the JSON view when
 * that was posted, else under the field it names, or above the fields when it names none.
 */
export function parameterIssueField(posted: Pick<PostedParameters, "mode">, fields: readonly ParameterField[], { prefix, jsonName }: ParameterFormNames): FieldOf {
  return (path) => {
    const where = path.join(".") || undefined;
    if (posted.mode === "json") return { field: jsonName, ...(where ? { prefix: where } : {}) };
    const found = fieldForIssue(fields, path);
    if (!found) return { field: prefix.replace(/\.$/, ""), ...(where ? { prefix: where } : {}) };
    const rest = found.rest.join(".");
    return { field: `${prefix}${found.field.path.join(".")}`, ...(rest ? { prefix: rest } : {}) };
  };
}
