import type { TemplateDraft } from "../lib/template-draft.ts";
import type { FieldOf } from "./core-errors.server.ts";
import { formText } from "./form.server.ts";

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
      parameters: text(`steps.${row}.parameters`),
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
  /** Step parameters that are not JSON, by form field. */
  jsonErrors: Record<string, string>;
  /** Core's field path -> the form's field (row numbers differ once blank rows are left out). */
  fieldOf: FieldOf;
}

export function templateInput(draft: TemplateDraft): TemplateInput {
  const parameterRows = draft.parameters.flatMap((parameter, row) => (parameter.name.trim() ? [row] : []));
  const stepRows = draft.steps.flatMap((step, row) => (step.actionType ? [row] : []));
  const jsonErrors: Record<string, string> = {};
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
    const step = draft.steps[row] ?? { actionType: "", targetType: "", targetId: "", parameters: "", reason: "" };
    let parameters: unknown = {};
    if (step.parameters.trim()) {
      try {
        parameters = JSON.parse(step.parameters);
      } catch (error) {
        jsonErrors[`steps.${row}.parameters`] = `not valid JSON (${error instanceof Error ? error.message : "parse error"})`;
      }
    }
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
    // A step's parameters are one JSON field in the form: an issue inside it names the part it is about.
    if (group === "steps" && field === "parameters") return { field: `steps.${row}.parameters`, ...(rest.length ? { prefix: rest.join(".") } : {}) };
    return { field: [group, row, ...(field === undefined ? [] : [field]), ...rest].join(".") };
  };
  return { definition: { name: draft.name, description: draft.description.trim() || null, parameters, steps }, jsonErrors, fieldOf };
}
