import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";

import { z } from "zod";

import { Prisma, type AgentAction } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { actionServices, DEFAULT_MAX_ATTEMPTS, type CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { parseInput } from "../validation.ts";
import { approvalsInclude, withNoApprovals } from "../decisions/action-approvals.ts";
import { actionViewSchema, toActionView } from "../actions/action-view.ts";
import { checkPendingCap } from "./check-pending-cap.ts";
import { referencedItemIds, targetProblemError, targetProblems } from "./check-targets.ts";
import { enqueueApproved } from "./enqueue-approved.ts";
import { insertProposals } from "./insert-proposals.ts";
import { prepareProposals } from "./prepare-proposals.ts";
import { readProposalContext, type ProposalContext } from "./proposal-context.ts";
import {
  proposeActionInputSchema,
  proposeBatchInputSchema,
  type ActionProposal,
  type ProposeActionInput,
  type ProposeBatchInput,
} from "./proposal-schema.ts";

export const proposeResultSchema = z.object({
  action: actionViewSchema,
  /** True when the idempotency key matched an earlier proposal, which is returned instead of a new one. */
  duplicate: z.boolean(),
});
export type ProposeResult = z.infer<typeof proposeResultSchema>;

export const proposeBatchResultSchema = z.object({ batchId: z.string(), actions: z.array(actionViewSchema) });
export type ProposeBatchResult = z.infer<typeof proposeBatchResultSchema>;

/** The stored parameters as the agent sent them: without what the type's `prepare` resolved and added. */
function asProposed(actionType: string, parameters: unknown): unknown {
  const resolved = findActionType(actionType)?.resolvedParameters ?? [];
  if (resolved.length === 0 || typeof parameters !== "object" || parameters === null) return parameters;
  return Object.fromEntries(Object.entries(parameters).filter(([key]) => !resolved.includes(key)));
}

function sameProposal(existing: AgentAction, proposal: ActionProposal): boolean {
  return (
    existing.actionType === proposal.actionType &&
    existing.targetType === (proposal.targetType ?? null) &&
    existing.targetId === (proposal.targetId ?? null) &&
    isDeepStrictEqual(asProposed(existing.actionType, existing.parameters), proposal.parameters)
  );
}

async function findByIdempotencyKey(deps: CoreDeps, tenantId: string, proposal: ActionProposal): Promise<ProposeResult | null> {
  if (proposal.idempotencyKey === undefined) return null;
  const existing = await deps.db.agentAction.findUnique({
    where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: proposal.idempotencyKey } },
    include: approvalsInclude,
  });
  if (!existing) return null;
  if (!sameProposal(existing, proposal)) {
    throw new CoreError("CONFLICT", `idempotencyKey "${proposal.idempotencyKey}" was already used for a different action (#${existing.id})`);
  }
  return { action: toActionView(existing), duplicate: true };
}

/** An agent or a person proposes one action; it waits for a person unless a preference auto-approves it. */
export async function proposeAction(deps: CoreDeps, { actor, input }: { actor: Actor; input: ProposeActionInput | ActionProposal }): Promise<ProposeResult> {
  assertCan(actor, "action.propose");
  const proposal = parseInput(proposeActionInputSchema, input, "action");
  const earlier = await findByIdempotencyKey(deps, actor.tenantId, proposal);
  if (earlier) return earlier;

  const context = await readProposalContext(deps.db, actor.tenantId, referencedItemIds([proposal]));
  const problem = targetProblemError(targetProblems(context.items, [proposal]), { batch: false });
  if (problem) throw problem;
  const prepared = await prepareProposals(preparing(deps, actor), [proposal]);

  let actions: AgentAction[];
  try {
    actions = await createActions(deps, actor, prepared, context);
  } catch (error) {
    // Two requests with one idempotency key raced; the loser answers with the winner's action.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      const winner = await findByIdempotencyKey(deps, actor.tenantId, proposal);
      if (winner) return winner;
    }
    throw error;
  }
  const [action] = actions;
  if (!action) throw new Error("proposal was not stored");
  return { action: toActionView(withNoApprovals(action)), duplicate: false };
}

/** Proposes several actions at once: every one is validated first, then all are created or none. */
export async function proposeBatch(
  deps: CoreDeps,
  { actor, input }: { actor: Actor; input: ProposeBatchInput },
): Promise<ProposeBatchResult> {
  assertCan(actor, "action.propose");
  const batch = parseInput(proposeBatchInputSchema, input, "batch");
  const proposals = batch.actions.map((proposal) => ({ ...proposal, reason: proposal.reason ?? batch.reason }));
  const keys = proposals.flatMap((proposal) => (proposal.idempotencyKey ? [proposal.idempotencyKey] : []));
  if (new Set(keys).size !== keys.length) {
    throw new CoreError("INVALID", "Invalid batch: two actions share an idempotencyKey");
  }
  const context = await readProposalContext(deps.db, actor.tenantId, referencedItemIds(proposals));
  const problem = targetProblemError(targetProblems(context.items, proposals), { batch: true });
  if (problem) throw problem;
  const prepared = await prepareProposals(preparing(deps, actor), proposals, { pathOf: (index) => ["actions", index] });
  const batchId = randomUUID();
  try {
    const actions = await createActions(deps, actor, prepared, context, batchId);
    return { batchId, actions: actions.map((action) => toActionView(withNoApprovals(action))) };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new CoreError("CONFLICT", "Invalid batch: an idempotencyKey of this batch was already used; nothing was created");
    }
    throw error;
  }
}

function preparing(deps: CoreDeps, actor: Actor) {
  return { db: deps.db, tenantId: actor.tenantId, now: deps.clock.now(), services: actionServices(deps) };
}

async function createActions(
  deps: CoreDeps,
  actor: Actor,
  proposals: ActionProposal[],
  context: ProposalContext,
  batchId?: string,
): Promise<AgentAction[]> {
  const now = deps.clock.now();
  // One statement writes the actions and their events: no interactive transaction needed.
  const actions = await insertProposals(deps.db, {
    actor,
    proposals,
    preferences: context.preferences,
    policies: context.policies,
    now,
    admitWaiting: (adding) => checkPendingCap(deps, actor.tenantId, { adding, proposed: proposals.length }),
    maxAttempts: deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(batchId ? { batchId } : {}),
  });
  await enqueueApproved(deps, actions);
  await publishActionEvents(deps, actions, "proposed");
  return actions;
}
