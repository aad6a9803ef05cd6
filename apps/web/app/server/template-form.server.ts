import { issueSentence, parametersFromForm, type ParameterField } from "@leash/core";

import { blankStep, type TemplateDraft } from "../lib/template-draft.ts";
import type { FieldOf } from "./core-errors.server.ts";
import { formText } from "./form.server.ts";
import { parameterIssueField, type ParameterFormNames } from "./posted-parameters.server.ts";

/** Where step `row` posts its parameters' fields and JSON. */
export const stepParameterNames = (row: number): ParameterFormNames => ({ prefix: `steps.${row}.p.`, jsonName: `steps.${row}.parameters` });

/** Every posted field under `prefix`, by the rest of its name. */
function valuesUnder(form: FormData, prefix: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (name.startsWith(prefix) && typeof value === "string") values[name.slice(prefix.length)] = value;
  }
  return values;
}

/** Browsers post a text area's line breaks as CRLF: compared as LF, an untouched JSON view reads as untouched. */
const asLf = (text: string) => text.replaceAll("\r\n", "\n");

/** Row numbers posted for a repeated group (`parameters.3.name` -> 3), in order. */
function rowsOf(form: FormData, group: string): number[] {
  const rows = new Set<number>();
  for (const key of form.keys()) {
    const match = new RegExp(`^${group}\\.(\\d+)\\.`).exec(key);
    if (match?.[1]) rows.add(Number(match[1]));
  }
  return [...rows].sort((a, b) => a - b);
}

/** What the template form posted, as typed. */
export function draftFromForm(form: FormData): TemplateDraft {
  const text = (name: string) => formText(form, name) ?? "";
  return {
    name: text("name"),
    description: text("description"),
    parameters: rowsOf(form, "parameters").map((row) => ({
      name: text(`parameters.${row}.name`),
      type: text(`parameters.${row}.type`),
      required: text(`parameters.${row}.required`) === "on",
      default: text(`parameters.${row}.default`),
      description: text(`parameters.${row}.description`),
    })),
    steps: rowsOf(form, "steps").map((row) => ({
      actionType: text(`steps.${row}.actionType`),
      targetType: text(`steps.${row}.targetType`),
      targetId: text(`steps.${row}.targetId`),
      values: valuesUnder(form, stepParameterNames(row).prefix),
      parameters: asLf(text(`steps.${row}.parameters`)),
      parametersShown: asLf(text(`steps.${row}.parametersShown`)),
      shownType: text(`steps.${row}.shownType`),
      reason: text(`steps.${row}.reason`),
    })),
  };
}

/** A default typed as its parameter; text that is not one goes to core as typed, to be refused there. */
function typedDefault(type: string, value: string): string | number | boolean {
  if ((type === "number" || type === "integer") && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  if (type === "boolean" && (value === "true" || value === "false")) return value === "true";
  return value;
}

export interface TemplateInput {
  /** Core's template input; blank rows (no name, no action type) are left out. */
  definition: { name: string; description: string | null; parameters: unknown[]; steps: unknown[] };
  /** Step parameters that cannot be read (JSON that does not parse, text in a number field), by form field. */
  formErrors: Record<string, string>;
  /** Rows whose action type was changed since their fields were shown: they are shown again with the right fields, not saved. */
  retyped: number[];
  /** Core's field path -> the form's field (row numbers differ once blank rows are left out). */
  fieldOf: FieldOf;
}

/** Core's template input from a posted draft; `fieldsOf` gives an action type's parameter fields. */
export function templateInput(draft: TemplateDraft, fieldsOf: (actionType: string) => readonly ParameterField[]): TemplateInput {
  const parameterRows = draft.parameters.flatMap((parameter, row) => (parameter.name.trim() ? [row] : []));
  const stepRows = draft.steps.flatMap((step, row) => (step.actionType ? [row] : []));
  const formErrors: Record<string, string> = {};
  const retyped: number[] = [];
  const issueFields = new Map<number, FieldOf>();
  const parameters = parameterRows.map((row) => {
    const parameter = draft.parameters[row] ?? { name: "", type: "", required: false, default: "", description: "" };
    return {
      name: parameter.name.trim(),
      type: parameter.type,
      required: parameter.required,
      ...(parameter.default.trim() ? { default: typedDefault(parameter.type, parameter.default.trim()) } : {}),
      ...(parameter.description.trim() ? { description: parameter.description.trim() } : {}),
    };
  });
  const steps = stepRows.map((row) => {
    const step = draft.steps[row] ?? blankStep;
    const names = stepParameterNames(row);
    const fields = fieldsOf(step.actionType);
    let parameters: unknown = {};
    const jsonEdited = step.parameters !== step.parametersShown;
    if (jsonEdited && step.parameters.trim()) {
      try {
        parameters = JSON.parse(step.parameters);
      } catch (error) {
        formErrors[names.jsonName] = `not valid JSON (${error instanceof Error ? error.message : "parse error"})`;
      }
    } else if (!jsonEdited && step.shownType !== step.actionType) {
      retyped.push(row);
    } else if (!jsonEdited) {
      const read = parametersFromForm(fields, { get: (name) => step.values[name], names: Object.keys(step.values) }, "");
      parameters = read.parameters;
      for (const issue of read.issues) formErrors[`${names.prefix}${issue.path.join(".")}`] = issueSentence(issue);
    }
    issueFields.set(row, parameterIssueField({ mode: jsonEdited ? "json" : "fields" }, fields, names));
    const targetId = step.targetId.trim();
    return {
      actionType: step.actionType,
      ...(step.targetType ? { targetType: step.targetType } : {}),
      ...(targetId ? { targetId: /^\d+$/.test(targetId) ? Number(targetId) : targetId } : {}),
      parameters,
      ...(step.reason.trim() ? { reason: step.reason.trim() } : {}),
    };
  });
  const fieldOf: FieldOf = (path) => {
    const [group, index, field, ...rest] = path;
    const rows = group === "parameters" ? parameterRows : group === "steps" ? stepRows : null;
    if (!rows || typeof index !== "number") return { field: path.join(".") };
    const row = rows[index] ?? index;
    // An issue inside a step's parameters shows under the field it names, or under the JSON when that was posted.
    if (group === "steps" && field === "parameters") return issueFields.get(row)?.(rest) ?? { field: `steps.${row}.parameters` };
    return { field: [group, row, ...(field === undefined ? [] : [field]), ...rest].join(".") };
  };
  return { definition: { name: draft.name, description: draft.description.trim() || null, parameters, steps }, formErrors, retyped, fieldOf };
}
