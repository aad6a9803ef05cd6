import type { z } from "zod";

import { issueWording } from "../issue-wording.ts";
import { checkStep } from "./check-step.ts";
import { parameterValueSchema, sampleValues } from "./parameter-types.ts";
import { findPlaceholders } from "./placeholders.ts";
import type { TemplateParameter, TemplateStep } from "./template-schema.ts";

/**
 * Checks a template when it is saved: parameter names are unique and defaults have their type;
 * every placeholder names a declared parameter or an earlier step; every step is a valid proposal
 * once its placeholders are filled in (as far as can be known before a run).
 */
export function checkTemplate(definition: { parameters: TemplateParameter[]; steps: TemplateStep[] }, context: z.RefinementCtx): void {
  const declared = new Map<string, TemplateParameter>();
  definition.parameters.forEach((parameter, index) => {
    if (declared.has(parameter.name)) {
      context.addIssue({ code: "custom", path: ["parameters", index, "name"], message: `"${parameter.name}" is declared twice` });
    }
    declared.set(parameter.name, parameter);
    const fault = parameter.default === undefined ? undefined : parameterValueSchema(parameter.type).safeParse(parameter.default).error?.issues[0];
    if (fault) {
      context.addIssue({ code: "custom", path: ["parameters", index, "default"], message: `the default is not a valid ${parameter.type}: ${issueWording(fault)}` });
    }
  });

  definition.steps.forEach((step, index) => {
    const stepPath = ["steps", index];
    const found = [...findPlaceholders(step.targetId ?? null, ["targetId"]), ...findPlaceholders(step.parameters, ["parameters"])];
    for (const placeholder of found) {
      const { ref, expression } = placeholder;
      const path = [...stepPath, ...placeholder.path];
      if (ref === null) {
        context.addIssue({ code: "custom", path, message: `${expression} is not a placeholder: use {{params.NAME}} or {{steps.N.result.FIELD}}` });
      } else if (ref.kind === "param" && !declared.has(ref.name)) {
        context.addIssue({ code: "custom", path, message: `${expression} names no parameter of this template` });
      } else if (ref.kind === "step" && ref.step >= index) {
        const earlier = index === 0 ? "the first step has no earlier step" : `steps 0 to ${index - 1} come before it`;
        context.addIssue({ code: "custom", path, message: `${expression} must refer to an earlier step (${earlier})` });
      }
    }
    const { issues } = checkStep(step, (ref) => (ref.kind === "param" ? sampleValues[declared.get(ref.name)?.type ?? "string"] : 1));
    for (const issue of issues) context.addIssue({ code: "custom", path: [...stepPath, ...issue.path], message: issue.message });
  });
}
