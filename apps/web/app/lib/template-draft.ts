import type { TemplateView } from "@leash/core";

/** A template as its form holds it: every field as text, so a refused post shows exactly what was typed. */
export interface TemplateDraft {
  name: string;
  description: string;
  parameters: { name: string; type: string; required: boolean; default: string; description: string }[];
  steps: { actionType: string; targetType: string; targetId: string; parameters: string; reason: string }[];
}

export const emptyDraft: TemplateDraft = { name: "", description: "", parameters: [], steps: [] };

export function draftOf(template: TemplateView): TemplateDraft {
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
    steps: template.steps.map((step) => ({
      actionType: step.actionType,
      targetType: step.targetType ?? "",
      targetId: step.targetId === undefined ? "" : String(step.targetId),
      parameters: JSON.stringify(step.parameters, null, 2),
      reason: step.reason ?? "",
    })),
  };
}
