import type { TargetType } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import type { JsonObject, JsonValue } from "../actions/json.ts";
import { proposeActionInputSchema, type ActionProposal } from "../proposals/proposal-schema.ts";
import type { InvalidIssue } from "../errors.ts";
import { inputIssues } from "../validation.ts";
import { findPlaceholders, substitute, type PlaceholderRef } from "./placeholders.ts";

/** A step on its way to becoming a proposal: the placeholders it still holds are resolved later. */
export interface PreparedStep {
  actionType: string;
  targetType?: TargetType | undefined;
  targetId?: JsonValue | undefined;
  parameters: JsonObject;
  reason?: string | undefined;
}

export function toProposalInput(step: PreparedStep): JsonObject {
  return {
    actionType: step.actionType,
    ...(step.targetType !== undefined ? { targetType: step.targetType } : {}),
    ...(step.targetId !== undefined ? { targetId: step.targetId } : {}),
    parameters: step.parameters,
    ...(step.reason !== undefined ? { reason: step.reason } : {}),
  };
}

const startsWith = (path: readonly PropertyKey[], prefix: readonly (string | number)[]) =>
  prefix.every((part, index) => String(path[index]) === String(part));

/**
 * Checks a step as the proposal it will become. Placeholders still in it are replaced by stand-ins
 * (`sample`), and what the proposal schema says about the fields holding them is left for when
 * their values are known. The parsed proposal is returned only when no placeholder was left.
 */
export function checkStep(step: PreparedStep, sample: (ref: PlaceholderRef) => JsonValue): { issues: InvalidIssue[]; proposal: ActionProposal | null } {
  // Steps run one after another in the worker; a step only an agent could carry out would stop the run.
  if (findActionType(step.actionType)?.performedBy === "agent") {
    return { issues: [{ path: ["actionType"], message: `${step.actionType} actions are carried out by the agent that proposes them, so they cannot be template steps` }], proposal: null };
  }
  const input = toProposalInput(step);
  const open = findPlaceholders(input);
  const withSamples = substitute(input, (ref) => ({ value: sample(ref) }));
  const parsed = proposeActionInputSchema.safeParse(withSamples);
  if (parsed.success) return { issues: [], proposal: open.length === 0 ? parsed.data : null };
  const issues = inputIssues(parsed.error.issues.filter((issue) => !open.some((found) => startsWith(issue.path, found.path))));
  return { issues, proposal: null };
}
