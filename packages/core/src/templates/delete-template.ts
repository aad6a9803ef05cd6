import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { templateRefInputSchema, type TemplateRefInput, type TemplateView } from "./template-schema.ts";
import { findTemplateOrThrow, toTemplateView } from "./template-view.ts";

/** Removes a template from the library; actions of earlier runs stay (their templateId is cleared). Returns what was removed. */
export async function deleteTemplate(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: TemplateRefInput },
): Promise<TemplateView> {
  assertCan(actor, "template.write");
  const { templateId } = parseInput(templateRefInputSchema, input, "template reference");
  const template = await findTemplateOrThrow(deps.db, actor.tenantId, templateId);
  await deps.db.actionTemplate.delete({ where: { id: template.id } });
  return toTemplateView(template);
}
