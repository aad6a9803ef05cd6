import { randomUUID } from "node:crypto";

import { z } from "zod";

import { isUniqueViolation, type AgentAction } from "@leash/db";

import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { actionServices, DEFAULT_MAX_ATTEMPTS, type CoreDeps } from "../deps.ts";
import { CoreError } from "../errors.ts";
import { inSpan, noteActions, spanAttributes } from "../observability/tracing.ts";
import { parseInput } from "../validation.ts";
import { approvalsInclude, withNoApprovals } from "../decisions/action-approvals.ts";
import { actionViewSchema, toActionView } from "../actions/action-view.ts";
import { checkPendingCap } from "./check-pending-cap.ts";
import { referencedItemIds, targetProblemError, targetProblems } from "./check-targets.ts";
import { announceProposed } from "./announce-proposed.ts";
import { earlierProposal } from "./earlier-proposal.ts";
import { insertProposals, type StoredProposal } from "./insert-proposals.ts";
import { prepareProposals } from "./prepare-proposals.ts";
import { readProposalContext, type ProposalContext } from "./proposal-context.ts";
import { requestHash } from "./request-hash.ts";
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

export const proposeBatchResultSchema = z.object({
  batchId: z.string(),
  actions: z.array(actionViewSchema),
  /** True when the batch's idempotency keys matched an earlier batch of the same request, which is returned instead of a new one. */
  duplicate: z.boolean(),
});
export type ProposeBatchResult = z.infer<typeof proposeBatchResultSchema>;

async function findByIdempotencyKey(deps: CoreDeps, tenantId: string, proposal: ActionProposal, hash: string): Promise<ProposeResult | null> {
  if (proposal.idempotencyKey === undefined) return null;
  const existing = await deps.db.agentAction.findUnique({
    where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: proposal.idempotencyKey } },
    include: approvalsInclude,
  });
  return existing ? earlierProposal(existing, proposal, hash) : null;
}

/**
 * The earlier batch a retried one stands for: every action of the batch whose keys it sends, when
 * each key was stored with this very batch request; a key used for anything else refuses the batch.
 * Rows stored before request hashes never match (such a retry was refused before them too).
 */
async function findBatchByIdempotencyKeys(deps: CoreDeps, tenantId: string, keys: readonly string[], hash: string): Promise<ProposeBatchResult | null> {
  if (keys.length === 0) return null;
  const used = await deps.db.agentAction.findMany({
    where: { tenantId, idempotencyKey: { in: [...keys] } },
    select: { id: true, idempotencyKey: true, requestHash: true, batchId: true },
    orderBy: { id: "asc" },
  });
  const [first] = used;
  if (!first) return null;
  const other = used.find((row) => row.requestHash !== hash || row.batchId !== first.batchId);
  if (other || first.batchId === null) {
    const refused = other ?? first;
    throw new CoreError("CONFLICT", `Invalid batch: idempotencyKey "${refused.idempotencyKey ?? ""}" was already used for a different request (#${refused.id}); nothing was created`);
  }
  const actions = await deps.db.agentAction.findMany({ where: { tenantId, batchId: first.batchId }, include: approvalsInclude, orderBy: { id: "asc" } });
  return { batchId: first.batchId, actions: actions.map(toActionView), duplicate: true };
}

/** An agent or a person proposes one action; it waits for a person unless a preference auto-approves it. */
export function proposeAction(deps: CoreDeps, request: { actor: Actor; input: ProposeActionInput | ActionProposal }): Promise<ProposeResult> {
  return inSpan("propose action", { attributes: { [spanAttributes.tenantId]: request.actor.tenantId } }, async () => {
    const result = await proposeOne(deps, request);
    noteActions([result.action.id]);
    return result;
  });
}

async function proposeOne(deps: CoreDeps, { actor, input }: { actor: Actor; input: ProposeActionInput | ActionProposal }): Promise<ProposeResult> {
  assertCan(actor, "action.propose");
  const proposal = parseInput(proposeActionInputSchema, input, "action");
  // Only a proposal with a key is ever compared with a retry.
  const hash = proposal.idempotencyKey === undefined ? undefined : requestHash({ kind: "proposal", proposal });
  // In the API, proposals arriving together are written together (the batcher applies the same rules).
  if (deps.proposalBatcher) return deps.proposalBatcher.propose({ actor, proposal, hash });
  const earlier = hash === undefined ? null : await findByIdempotencyKey(deps, actor.tenantId, proposal, hash);
  if (earlier) return earlier;

  const context = await readProposalContext(deps.db, actor.tenantId, referencedItemIds([proposal]));
  const problem = targetProblemError(targetProblems(context.items, [proposal]), { batch: false });
  if (problem) throw problem;
  const prepared = await prepareProposals(preparing(deps, actor), [proposal]);

  let actions: AgentAction[];
  try {
    actions = await createActions(deps, actor, prepared.map((stored) => ({ ...stored, requestHash: hash })), context);
  } catch (error) {
    // Two requests with one idempotency key raced; the loser answers with the winner's action.
    if (hash !== undefined && isUniqueViolation(error)) {
      const winner = await findByIdempotencyKey(deps, actor.tenantId, proposal, hash);
      if (winner) return winner;
    }
    throw error;
  }
  const [action] = actions;
  if (!action) throw new Error("proposal was not stored");
  return { action: toActionView(withNoApprovals(action)), duplicate: false };
}

/** Proposes several actions at once: every one is validated first, then all are created or none. */
export function proposeBatch(deps: CoreDeps, request: { actor: Actor; input: ProposeBatchInput }): Promise<ProposeBatchResult> {
  return inSpan("propose batch", { attributes: { [spanAttributes.tenantId]: request.actor.tenantId } }, async () => {
    const result = await proposeMany(deps, request);
    noteActions(result.actions.map((action) => action.id));
    return result;
  });
}

async function proposeMany(
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
  const hash = keys.length === 0 ? undefined : requestHash({ kind: "batch", reason: batch.reason, proposals: batch.actions });
  const earlier = hash === undefined ? null : await findBatchByIdempotencyKeys(deps, actor.tenantId, keys, hash);
  if (earlier) return earlier;
  const context = await readProposalContext(deps.db, actor.tenantId, referencedItemIds(proposals));
  const problem = targetProblemError(targetProblems(context.items, proposals), { batch: true });
  if (problem) throw problem;
  const prepared = await prepareProposals(preparing(deps, actor), proposals, { pathOf: (index) => ["actions", index] });
  const batchId = randomUUID();
  const stored = prepared.map((proposal) => ({ ...proposal, requestHash: proposal.idempotencyKey === undefined ? undefined : hash }));
  try {
    const actions = await createActions(deps, actor, stored, context, batchId);
    return { batchId, actions: actions.map((action) => toActionView(withNoApprovals(action))), duplicate: false };
  } catch (error) {
    if (isUniqueViolation(error)) {
      // The same batch, sent twice at once: the loser answers with the winner's.
      const winner = hash === undefined ? null : await findBatchByIdempotencyKeys(deps, actor.tenantId, keys, hash);
      if (winner) return winner;
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
  proposals: StoredProposal[],
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
  await announceProposed(deps, actions);
  return actions;
}
