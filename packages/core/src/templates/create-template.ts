import { isUniqueViolation } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import type { CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { parseInput } from "../validation.ts";
import { createTemplateInputSchema, type CreateTemplateInput, type TemplateView } from "./template-schema.ts";
import { toTemplateView } from "./template-view.ts";

export function duplicateNameError(error: unknown, name: string): CoreError | null {
  return isUniqueViolation(error)
    ? new CoreError("CONFLICT", `A template named "${name}" already exists`)
    : null;
}

/** Adds a template to the tenant's library (admins and approvers: running it proposes actions in their name). */
export async function createTemplate(
  deps: Pick<CoreDeps, "db">,
  { actor, input }: { actor: Actor; input: CreateTemplateInput },
): Promise<TemplateView> {
  assertCan(actor, "template.write");
  const definition = parseInput(createTemplateInputSchema, input, "template");
  try {
    const template = await deps.db.actionTemplate.create({
      data: {
        tenantId: actor.tenantId,
        name: definition.name,
        description: definition.description,
        parameters: definition.parameters,
        actions: definition.steps,
      },
    });
    return toTemplateView(template);
  } catch (error) {
    throw duplicateNameError(error, definition.name) ?? error;
  }
}
