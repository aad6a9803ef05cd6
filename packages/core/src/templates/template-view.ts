import { z } from "zod";

import type { ActionTemplate, Db, DbTransaction } from "@leash/db";

import { CoreError } from "../errors.ts";
import { readStored } from "../rollback/read-stored.ts";
import { templateParameterSchema, templateStepSchema, type TemplateView } from "./template-schema.ts";

export function toTemplateView(template: ActionTemplate): TemplateView {
  return {
    id: template.id,
    name: template.name,
    description: template.description,
    parameters: readStored(z.array(templateParameterSchema), template.parameters, `parameters of template #${template.id}`),
    steps: readStored(z.array(templateStepSchema), template.actions, `steps of template #${template.id}`),
    createdAt: template.createdAt.toISOString(),
    updatedAt: template.updatedAt.toISOString(),
  };
}

export async function findTemplateOrThrow(db: Db | DbTransaction, tenantId: string, templateId: number): Promise<ActionTemplate> {
  const template = await db.actionTemplate.findFirst({ where: { id: templateId, tenantId } });
  if (!template) throw new CoreError("NOT_FOUND", `No template #${templateId}`);
  return template;
}
