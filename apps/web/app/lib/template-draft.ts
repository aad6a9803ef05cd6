import type { JsonObject, TemplateView } from "@leash/core";

/** A template as its form holds it: every field as text, so a refused post shows exactly what was typed. */
export interface TemplateDraft {
  name: string;
  description: string;
  parameters: ParameterDraft[];
  steps: StepDraft[];
}

/** A run-time parameter as its form holds it. */
export interface ParameterDraft {
  name: string;
  type: string;
  required: boolean;
  default: string;
  description: string;
}

/**
 * A step as its form holds it. Its parameters are posted twice: as fields (`values`, by path inside
 * the parameters) and as JSON (`parameters`), which is read instead once it differs from what the
 * page showed (`parametersShown`). `shownType` is the action type the fields were shown for: when
 * it is not the chosen type, the form is shown again with the fields of the chosen one.
 */
export interface StepDraft {
  actionType: string;
  targetType: string;
  targetId: string;
  values: Record<string, string>;
  parameters: string;
  parametersShown: string;
  shownType: string;
  reason: string;
}

/** The row left blank for one more parameter: a required string unless changed. */
export const blankParameter: ParameterDraft = { name: "", type: "string", required: true, default: "", description: "" };

export const blankStep: StepDraft = { actionType: "", targetType: "", targetId: "", values: {}, parameters: "", parametersShown: "", shownType: "", reason: "" };

export const emptyDraft: TemplateDraft = { name: "", description: "", parameters: [], steps: [] };

/**
 * The draft of a saved template; `valuesOf` gives a step's parameters as its form's values (core's
 * `parameterFormValues`, passed in so that core stays out of the browser's bundle).
 */
export function draftOf(template: TemplateView, valuesOf: (actionType: string, parameters: JsonObject) => Record<string, string>): TemplateDraft {
  return {
    name: template.name,
    description: template.description ?? "",
    parameters: template.parameters.map((parameter) => ({
      name: parameter.name,
      type: parameter.type,
      required: parameter.required,
      default: parameter.default === undefined ? "" : String(parameter.default),
      description: parameter.description ?? "",
    })),
    steps: template.steps.map((step) => {
      const json = JSON.stringify(step.parameters, null, 2);
      return {
        actionType: step.actionType,
        targetType: step.targetType ?? "",
        targetId: step.targetId === undefined ? "" : String(step.targetId),
        values: valuesOf(step.actionType, step.parameters),
        parameters: json,
        parametersShown: json,
        shownType: step.actionType,
        reason: step.reason ?? "",
      };
    }),
  };
}
