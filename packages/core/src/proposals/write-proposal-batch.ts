import { isUniqueViolation, type AgentAction } from "@leash/db";

import type { Actor } from "../actor.ts";
import { actionServices, DEFAULT_MAX_ATTEMPTS, type CoreDeps } from "../deps.ts";
import { withNoApprovals } from "../decisions/action-approvals.ts";
import { toActionView } from "../actions/action-view.ts";
import { snapshotPolicies } from "../policies/snapshot-policy.ts";
import { decideAutoApprovals, type AutoApprovalOutcome } from "../trust/decide-auto-approvals.ts";
import { announceProposed } from "./announce-proposed.ts";
import { countPending, pendingCapRefusal } from "./check-pending-cap.ts";
import { referencedItemIds, targetProblemError, targetProblems } from "./check-targets.ts";
import { earlierProposal } from "./earlier-proposal.ts";
import { findActionsByKeys, insertActionRows, type EventRow } from "./proposal-statements.ts";
import { proposalRows } from "./insert-proposals.ts";
import { prepareProposals } from "./prepare-proposals.ts";
import { readProposalContext } from "./proposal-context.ts";
import type { ActionProposal } from "./proposal-schema.ts";
import type { ProposeResult } from "./propose-action.ts";
import type { ActionRow } from "../actions/action-columns.ts";

/** One request's proposal, authorised and parsed, as the batcher hands it to a batch. */
export interface BatchedProposal {
  actor: Actor;
  proposal: ActionProposal;
  /** The request's hash (`requestHash`) when the proposal has an idempotency key. */
  hash: string | undefined;
  /** The trace context of the request, for its action's job to continue. */
  trace?: string | undefined;
}

/**
 * What became of each proposal of a batch: its answer, its own error, or `retry` for a proposal
 * whose idempotency key an earlier one of the same batch carries (it is answered by the next batch,
 * which finds that one's row, or proposes it if that one was refused).
 */
export type BatchOutcome = { result: ProposeResult } | { error: unknown } | { retry: true };

interface Decided {
  index: number;
  entry: BatchedProposal;
  proposal: ActionProposal;
  decision: AutoApprovalOutcome;
}

/** Groups indices by a key, keeping the order of first appearance and, within a group, the order of `items`. */
function groupIndices<T>(
  items: readonly T[],
  indices: readonly number[],
  keyOf: (item: T) => string,
): number[][] {
  const groups = new Map<string, number[]>();
  for (const index of indices) {
    const item = items[index];
    if (item === undefined) continue;
    const key = keyOf(item);
    groups.set(key, [...(groups.get(key) ?? []), index]);
  }
  return [...groups.values()];
}

const actorKey = (actor: Actor) =>
  actor.kind === "user"
    ? `user:${actor.userId}`
    : actor.kind === "api_key"
      ? `key:${actor.apiKeyId}`
      : `system:${actor.label}`;

/**
 * Writes proposals from concurrent requests together, applying to each exactly the rules of a
 * proposal made alone (proposeAction): an idempotency key answers with its earlier action or a
 * conflict, every named item must exist, the type's `prepare` may refuse, preferences, grants and
 * policy budgets decide what is approved on the spot, and the cap on pending actions refuses what
 * would wait beyond it. Rules that count see the earlier proposals of the same batch (a budget's
 * auto-approvals, a tenant's pending actions), so a batch admits no more than its proposals one
 * after the other would. A refusal is that proposal's own answer; the others are written, with their
 * first events, by one statement, and the approved ones queued by one `addBulk`. Reads are made per
 * tenant (and grants per proposer), not per proposal.
 */
export async function writeProposalBatch(
  deps: CoreDeps,
  entries: readonly BatchedProposal[],
): Promise<BatchOutcome[]> {
  const outcomes: (BatchOutcome | undefined)[] = entries.map(() => undefined);
  const now = deps.clock.now();
  const seenKeys = new Set<string>();
  const open: number[] = [];
  for (const [index, { actor, proposal }] of entries.entries()) {
    const key =
      proposal.idempotencyKey === undefined ? undefined : `${actor.tenantId}\u0000${proposal.idempotencyKey}`;
    if (key !== undefined && seenKeys.has(key)) {
      outcomes[index] = { retry: true };
      continue;
    }
    if (key !== undefined) seenKeys.add(key);
    open.push(index);
  }

  const budgetUsed = new Map<string, number>();
  const toWrite: { index: number; row: ActionRow; events: EventRow[] }[] = [];
  const decideTenant = async (indices: number[]) => {
    const first = entries[indices[0] ?? -1];
    if (!first) return;
    const { tenantId } = first.actor;
    const fail = (index: number, error: unknown) => {
      outcomes[index] = { error };
    };

    // An idempotency key stored before this batch answers with its action (or a conflict).
    const keyed = indices.flatMap((index) => {
      const entry = entries[index];
      return entry?.hash !== undefined && entry.proposal.idempotencyKey !== undefined
        ? [{ index, entry, hash: entry.hash, key: entry.proposal.idempotencyKey }]
        : [];
    });
    if (keyed.length > 0) {
      const stored = await findActionsByKeys(
        deps.db,
        tenantId,
        keyed.map(({ key }) => key),
      );
      const byKey = new Map(stored.map((action) => [action.idempotencyKey, action]));
      for (const { index, entry, hash, key } of keyed) {
        const existing = byKey.get(key);
        if (!existing) continue;
        try {
          outcomes[index] = { result: earlierProposal(existing, entry.proposal, hash) };
        } catch (error) {
          fail(index, error);
        }
      }
    }

    const fresh = indices.filter((index) => outcomes[index] === undefined);
    if (fresh.length === 0) return;
    const context = await readProposalContext(
      deps.db,
      tenantId,
      referencedItemIds(fresh.flatMap((index) => (entries[index] ? [entries[index].proposal] : []))),
    );
    const prepared = new Map<number, ActionProposal>();
    await Promise.all(
      fresh.map(async (index) => {
        const entry = entries[index];
        if (!entry) return;
        try {
          const problem = targetProblemError(targetProblems(context.items, [entry.proposal]), {
            batch: false,
          });
          if (problem) throw problem;
          const services = actionServices(deps);
          const [proposal] = await prepareProposals({ db: deps.db, tenantId, now, services }, [
            entry.proposal,
          ]);
          if (proposal) prepared.set(index, proposal);
        } catch (error) {
          fail(index, error);
        }
      }),
    );

    // Grants are per proposer; the budgets they draw on are the tenant's, shared through `budgetUsed`.
    const decided: Decided[] = [];
    const ready = fresh.filter((index) => prepared.has(index));
    for (const group of groupIndices(entries, ready, (entry) => actorKey(entry.actor))) {
      const groupEntries = group.flatMap((index) =>
        entries[index] ? [{ index, entry: entries[index], proposal: prepared.get(index) }] : [],
      );
      const actor = groupEntries[0]?.entry.actor;
      if (!actor) continue;
      const decisions = await decideAutoApprovals(deps.db, {
        actor,
        proposals: groupEntries.flatMap(({ proposal }) => (proposal ? [proposal] : [])),
        preferences: context.preferences,
        policies: context.policies,
        now,
        budgetUsed,
      });
      groupEntries.forEach(({ index, entry, proposal }, at) => {
        const decision = decisions[at];
        if (proposal && decision) decided.push({ index, entry, proposal, decision });
      });
    }
    decided.sort((left, right) => left.index - right.index);

    // The cap counts the tenant's waiting actions once, then each admitted proposal of this batch.
    const waiting = decided.filter(({ decision }) => !decision.autoApprove);
    let pending = waiting.length > 0 ? await countPending(deps, tenantId) : 0;
    const admitted = decided.filter(({ index, decision }) => {
      if (decision.autoApprove) return true;
      const refusal = pendingCapRefusal(deps, { pending, adding: 1, proposed: 1 });
      if (refusal) {
        fail(index, refusal);
        return false;
      }
      pending += 1;
      return true;
    });

    const policyColumns = await snapshotPolicies(
      deps.db,
      tenantId,
      context.policies,
      admitted.map(({ proposal, decision }) => ({ ...proposal, pending: !decision.autoApprove })),
      now,
    );
    admitted.forEach(({ index, entry, proposal, decision }, at) => {
      const { rows, events } = proposalRows({
        actor: entry.actor,
        proposals: [{ ...proposal, requestHash: entry.hash }],
        decisions: [decision],
        policyColumns: [policyColumns[at] ?? {}],
        now,
        maxAttempts: deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      });
      const [row] = rows;
      if (row) toWrite.push({ index, row, events: events[0] ?? [] });
    });
  };

  await Promise.all(
    groupIndices(entries, open, (entry) => entry.actor.tenantId).map((indices) =>
      // A failed read fails the proposals of its tenant that have no answer yet, and no others.
      decideTenant(indices).catch((error: unknown) => {
        for (const index of indices) outcomes[index] ??= { error };
      }),
    ),
  );

  toWrite.sort((left, right) => left.index - right.index);
  const stored = await insertTogether(
    deps,
    toWrite.map(({ row, events }) => ({ row, events })),
  );
  const actions: AgentAction[] = [];
  const traces = new Map<number, string>();
  for (const [at, { index }] of toWrite.entries()) {
    const written = stored[at];
    const entry = entries[index];
    if (!entry || !written) continue;
    if ("error" in written) {
      outcomes[index] = await answerUnstored(deps, entry, written.error);
      continue;
    }
    actions.push(written.action);
    if (entry.trace !== undefined) traces.set(written.action.id, entry.trace);
    outcomes[index] = { result: { action: toActionView(withNoApprovals(written.action)), duplicate: false } };
  }
  await announceProposed(deps, actions, traces);
  return outcomes.map((outcome) => outcome ?? { error: new Error("proposal was not stored") });
}

/**
 * Writes the rows by one statement. When it fails (a key that a request elsewhere stored meanwhile,
 * or a row the database refuses), each row is written alone, so that only the proposal at fault
 * fails; the rows share no transaction, as proposals made alone share none.
 */
async function insertTogether(
  deps: CoreDeps,
  items: readonly { row: ActionRow; events: EventRow[] }[],
): Promise<({ action: AgentAction } | { error: unknown })[]> {
  if (items.length === 0) return [];
  const one = async (item: { row: ActionRow; events: EventRow[] }) => {
    try {
      const [action] = await insertActionRows(deps.db, [item.row], () => item.events);
      return action ? { action } : { error: new Error("proposal was not stored") };
    } catch (error) {
      return { error };
    }
  };
  if (items.length === 1 && items[0]) return [await one(items[0])];
  try {
    const actions = await insertActionRows(
      deps.db,
      items.map(({ row }) => row),
      (index) => items[index]?.events ?? [],
    );
    return actions.map((action) => ({ action }));
  } catch {
    return Promise.all(items.map(one));
  }
}

/** A proposal whose row was refused: two requests with one idempotency key raced, and the loser answers with the winner's action. */
async function answerUnstored(deps: CoreDeps, entry: BatchedProposal, error: unknown): Promise<BatchOutcome> {
  const key = entry.proposal.idempotencyKey;
  if (entry.hash === undefined || key === undefined || !isUniqueViolation(error)) return { error };
  try {
    const [winner] = await findActionsByKeys(deps.db, entry.actor.tenantId, [key]);
    return winner ? { result: earlierProposal(winner, entry.proposal, entry.hash) } : { error };
  } catch (refusal) {
    return { error: refusal };
  }
}
