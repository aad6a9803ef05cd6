import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { templateRefInputSchema, type TemplateRefInput, type TemplateView } from "./template-schema.ts";
import { findTemplateOrThrow, toTemplateView } from "./template-view.ts";

export async function getTemplate(deps: Pick<CoreDeps, "db">, { actor, input }: { actor: Actor; input: TemplateRefInput }): Promise<TemplateView> {
  assertCan(actor, "action.read");
  const { templateId } = parseInput(templateRefInputSchema, input, "template reference");
  return toTemplateView(await findTemplateOrThrow(deps.db, actor.tenantId, templateId));
}
