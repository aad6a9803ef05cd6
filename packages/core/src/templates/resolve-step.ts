import { z } from "zod";

import type { AgentAction, DbTransaction, Prisma } from "@leash/db";

import { jsonObjectSchema, type JsonValue } from "../actions/json.ts";
import { proposeActionInputSchema } from "../proposals/proposal-schema.ts";
import { CoreError } from "../errors.ts";
import { inputIssues } from "../validation.ts";
import { readStored } from "../rollback/read-stored.ts";
import { toProposalInput } from "./check-step.ts";
import { findPlaceholders, substitute, valueAt, type Resolve } from "./placeholders.ts";

const storedStep = z.object({ targetId: z.union([z.int(), z.string()]).nullable(), parameters: jsonObjectSchema });

/**
 * Fills in a template step's placeholders for results of earlier steps of its run, just before it
 * runs (in the worker's execution transaction), and checks the outcome as the proposal it now is.
 */
export async function resolveStep(
  tx: DbTransaction,
  action: AgentAction,
): Promise<{ targetId: number | null; parameters: Prisma.InputJsonObject }> {
  const stored = readStored(storedStep, action.stepTemplate, `step template of #${action.id}`);
  const steps = [...new Set(findPlaceholders(stored).flatMap(({ ref }) => (ref?.kind === "step" ? [ref.step] : [])))];
  const earlier = await tx.agentAction.findMany({ where: { tenantId: action.tenantId, batchId: action.batchId, templateStep: { in: steps } } });
  const byStep = new Map(earlier.map((step) => [step.templateStep, step]));
  const missing: string[] = [];
  const resolve: Resolve = (ref, expression) => {
    if (ref.kind !== "step") return null;
    const source = byStep.get(ref.step);
    const value = source?.status === "executed" ? valueAt((source.result ?? null) as JsonValue, ref.path) : undefined;
    if (value !== undefined) return { value };
    missing.push(source ? `${expression}: step ${ref.step} (#${source.id}) has no result.${ref.path.join(".")}` : `${expression}: no step ${ref.step} in this run`);
    return null;
  };
  const targetId = stored.targetId === null ? undefined : substitute(stored.targetId, resolve);
  const parameters = substitute(stored.parameters, resolve);
  const step = `step ${action.templateStep ?? "?"} (#${action.id})`;
  if (missing.length > 0) throw new CoreError("INVALID", `${step} cannot be filled in: ${missing.join("; ")}`);

  const parsed = proposeActionInputSchema.safeParse(
    toProposalInput({
      actionType: action.actionType,
      targetType: action.targetType ?? undefined,
      targetId,
      parameters: parameters !== null && typeof parameters === "object" && !Array.isArray(parameters) ? parameters : {},
    }),
  );
  if (!parsed.success) {
    const issues = inputIssues(parsed.error.issues).map((issue) => ({ path: issue.path.map(String), message: issue.message }));
    throw new CoreError("INVALID", `${step} is invalid once filled in: ${issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`, { issues });
  }
  return {
    targetId: parsed.data.targetId ?? null,
    parameters: parsed.data.parameters,
  };
}
