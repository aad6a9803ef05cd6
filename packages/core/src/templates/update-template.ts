import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { duplicateNameError } from "./create-template.ts";
import { templateDefinitionSchema, updateTemplateInputSchema, type TemplateView, type UpdateTemplateInput } from "./template-schema.ts";
import { findTemplateOrThrow, toTemplateView } from "./template-view.ts";

/** Changes a template; what is not given stays, and the result is checked as a whole. Runs already made keep their actions. */
export async function updateTemplate(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: UpdateTemplateInput },
): Promise<TemplateView> {
  assertCan(actor, "template.write");
  const { templateId, ...changes } = parseInput(updateTemplateInputSchema, input, "template changes");
  const current = toTemplateView(await findTemplateOrThrow(deps.db, actor.tenantId, templateId));
  const definition = parseInput(
    templateDefinitionSchema,
    {
      name: changes.name ?? current.name,
      description: changes.description !== undefined ? changes.description : current.description,
      parameters: changes.parameters ?? current.parameters,
      steps: changes.steps ?? current.steps,
    },
    "template",
  );
  try {
    const template = await deps.db.actionTemplate.update({
      where: { id: templateId },
      data: { name: definition.name, description: definition.description, parameters: definition.parameters, actions: definition.steps },
    });
    return toTemplateView(template);
  } catch (error) {
    throw duplicateNameError(error, definition.name) ?? error;
  }
}
