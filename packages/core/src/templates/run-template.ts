import { randomUUID } from "node:crypto";

import { z } from "zod";

import type { AgentAction, Prisma } from "@leash/db";

import type { Actor } from "../actor.ts";
import { withNoApprovals } from "../decisions/action-approvals.ts";
import { toActionView } from "../actions/action-view.ts";
import { referencedItemIds, targetProblems } from "../proposals/check-targets.ts";
import { enqueueApproved } from "../proposals/enqueue-approved.ts";
import { checkPendingCap } from "../proposals/check-pending-cap.ts";
import { prepareProposals } from "../proposals/prepare-proposals.ts";
import { insertProposals, type StoredProposal } from "../proposals/insert-proposals.ts";
import { readProposalContext } from "../proposals/proposal-context.ts";
import type { JsonObject, JsonValue } from "../actions/json.ts";
import { assertCan } from "../authorization.ts";
import { actionServices, DEFAULT_MAX_ATTEMPTS, type CoreDeps } from "../deps.ts";
import { CoreError, type InvalidIssue } from "../errors.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { inputIssues, parseInput } from "../validation.ts";
import { checkStep, type PreparedStep } from "./check-step.ts";
import { parameterValueSchema } from "./parameter-types.ts";
import { findPlaceholders, substitute } from "./placeholders.ts";
import { runTemplateInputSchema, type RunTemplateInput, type TemplateParameter, type TemplateRun } from "./template-schema.ts";
import { findTemplateOrThrow, toTemplateView } from "./template-view.ts";

function runParametersSchema(parameters: readonly TemplateParameter[]) {
  return z.strictObject(
    Object.fromEntries(
      parameters.map((parameter) => {
        const value = parameterValueSchema(parameter.type);
        return [parameter.name, parameter.required && parameter.default === undefined ? value : value.optional()];
      }),
    ),
  );
}

/** A step with the run's parameter values filled in; placeholders for results of earlier steps stay. */
function fillParameters(step: PreparedStep, values: ReadonlyMap<string, JsonValue>): PreparedStep {
  const resolve = (ref: { kind: "param"; name: string } | { kind: "step" }) => (ref.kind === "param" ? { value: values.get(ref.name) } : null);
  const targetId = step.targetId === undefined ? undefined : substitute(step.targetId, resolve);
  const parameters = substitute(step.parameters, resolve);
  return { ...step, targetId, parameters: parameters !== null && typeof parameters === "object" && !Array.isArray(parameters) ? parameters : {} };
}

const fail = (message: string, issues: InvalidIssue[]) => new CoreError("INVALID", message, { issues });

/**
 * Runs a template: checks the parameter values, fills them into the steps, checks every step, and
 * proposes all steps as one batch (all or none). Each step depends on the one before it, so the
 * worker runs them in order, resolving `{{steps.N.result...}}` from the results of earlier steps
 * just before a step runs; if a step fails (or is rejected or cancelled), the later ones fail
 * without running. Each step goes through the approval preferences like any proposal.
 */
export async function runTemplate(deps: CoreDeps, { actor, input }: { actor: Actor; input: RunTemplateInput }): Promise<TemplateRun> {
  assertCan(actor, "action.propose");
  const run = parseInput(runTemplateInputSchema, input, "template run");
  const template = toTemplateView(await findTemplateOrThrow(deps.db, actor.tenantId, run.templateId));
  const given = runParametersSchema(template.parameters).safeParse(run.parameters);
  if (!given.success) {
    const issues = inputIssues(given.error.issues).map((issue) => ({ path: ["parameters", ...issue.path.map(String)], message: issue.message }));
    throw fail(`Invalid parameters for "${template.name}": ${issues.map((issue) => `${issue.path.slice(1).join(".") || "parameters"}: ${issue.message}`).join("; ")}`, issues);
  }
  const values = new Map<string, JsonValue>();
  for (const parameter of template.parameters) {
    const value = given.data[parameter.name] ?? parameter.default;
    if (value !== undefined) values.set(parameter.name, value);
  }

  const steps = template.steps.map((step) => fillParameters({ ...step, reason: step.reason ?? run.reason }, values));
  const checked = steps.map((step) => checkStep(step, () => 1));
  const issues = checked.flatMap((check, index) => check.issues.map((issue) => ({ path: ["steps", index, ...issue.path], message: issue.message })));
  if (issues.length > 0) {
    throw fail(`Invalid run of "${template.name}": ${issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`, issues);
  }
  const ready = checked.flatMap((check, index) => (check.proposal ? [{ index, proposal: check.proposal }] : []));
  const readyProposals = ready.map((step) => step.proposal);
  const context = await readProposalContext(deps.db, actor.tenantId, referencedItemIds(readyProposals));
  const problems = targetProblems(context.items, readyProposals);
  const firstProblem = problems[0];
  if (firstProblem) {
    const stepOf = (problemIndex: number) => ready[problemIndex]?.index ?? problemIndex;
    throw new CoreError(firstProblem.code, problems.map((problem) => `steps[${stepOf(problem.index)}]: ${problem.message}`).join("; "), {
      issues: problems.map((problem) => ({ path: ["steps", stepOf(problem.index)], message: problem.message })),
    });
  }

  const preparedReady = await prepareProposals(
    { db: deps.db, tenantId: actor.tenantId, now: deps.clock.now(), services: actionServices(deps) },
    readyProposals,
    { pathOf: (index) => ["steps", ready[index]?.index ?? index] },
  );
  const preparedByStep = new Map(ready.map((step, index) => [step.index, preparedReady[index]]));
  const proposals: StoredProposal[] = steps.map((step, index) => {
    const parsed = preparedByStep.get(index);
    if (parsed) return parsed;
    return {
      actionType: step.actionType,
      targetType: step.targetType,
      targetId: typeof step.targetId === "number" ? step.targetId : undefined,
      parameters: step.parameters,
      reason: step.reason,
    };
  });
  const extras: Partial<Prisma.AgentActionCreateManyInput>[] = steps.map((step, index) => {
    const open = findPlaceholders({ targetId: step.targetId ?? null, parameters: step.parameters }).length > 0;
    const stepTemplate: JsonObject = { targetId: step.targetId ?? null, parameters: step.parameters };
    return { templateId: template.id, templateStep: index, ...(open ? { stepTemplate } : {}) };
  });

  const batchId = randomUUID();
  const now = deps.clock.now();
  const actions = await deps.db.$transaction(async (tx) => {
    const inserted = await insertProposals(tx, {
      actor,
      proposals,
      preferences: context.preferences,
      policies: context.policies,
      now,
      maxAttempts: deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      batchId,
      extras,
      admitWaiting: (adding) => checkPendingCap(deps, actor.tenantId, { adding, proposed: proposals.length }),
    });
    // Each step waits for the one before it: the worker runs them in order and stops at a failure.
    const chained: AgentAction[] = [];
    for (const action of inserted) {
      const previous = chained.at(-1);
      chained.push(previous ? await tx.agentAction.update({ where: { id: action.id }, data: { dependsOnId: previous.id } }) : action);
    }
    return chained;
  });
  await enqueueApproved(deps, actions);
  await publishActionEvents(deps, actions, "proposed");
  return { batchId, templateId: template.id, actions: actions.map((action) => toActionView(withNoApprovals(action))) };
}
