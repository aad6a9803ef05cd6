import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import type { TemplateView } from "./template-schema.ts";
import { toTemplateView } from "./template-view.ts";

/** The tenant's template library, by name. */
export async function listTemplates(deps: Pick<CoreDeps, "db">, { actor }: { actor: Actor }): Promise<TemplateView[]> {
  assertCan(actor, "action.read");
  const templates = await deps.db.actionTemplate.findMany({ where: { tenantId: actor.tenantId }, orderBy: { name: "asc" } });
  return templates.map(toTemplateView);
}
