import { transactionWithSql, type AgentAction, type Db, type DbTransaction, type Prisma } from "@leash/db";

import type { ActionServices, AfterCommitEffect } from "../action-types/action-definition.ts";
import type { ActionRegistry } from "../action-types/action-type-registry.ts";
import type { JsonObject } from "../actions/json.ts";
import type { Clock } from "../clock.ts";
import { actionServices, type CoreDeps } from "../deps.ts";
import { CoreError, isCoreError } from "../errors.ts";
import { recordRolledBack, undoOriginal } from "../rollback/run-undo.ts";
import { resolveStep } from "../templates/resolve-step.ts";
import { returnToPendingIfStale } from "./check-stale-target.ts";
import { lockHeldClaims, markExecutedStatement, openSavepoint, rollbackToSavepoint } from "./execution-statements.ts";

export interface RunOutcome {
  result: JsonObject;
  targetId: number | null;
  effects: AfterCommitEffect[];
  /** For an undo action: the action it rolled back. */
  rolledBack: AgentAction | null;
  /** Why the action went back to pending instead of running (its target changed after the proposal); null when it ran. */
  returnedToPending: string | null;
  /** The actions that waited for this one to run, to wake once it has committed. */
  waiting: number[];
}

/** What became of one claimed action of a batch. */
export type RunResult =
  | { kind: "ran"; outcome: RunOutcome }
  /** Its handler (or stale check) threw: its writes were rolled back, the others' kept; the claim still holds. */
  | { kind: "threw"; error: unknown }
  /** Its claim was taken over before the batch locked it: nothing of it ran here. */
  | { kind: "lost" };

export interface ClaimedAction {
  action: AgentAction;
  claimToken: string;
  /** When its execution started (before the claim), for the executed event's duration. */
  startedAt: number;
}

interface Ran {
  result: JsonObject;
  rollbackData: JsonObject | null;
  targetId: number | null;
  effects: AfterCommitEffect[];
  rolledBack: AgentAction | null;
  /** The parameters a template step ran with, once its placeholders were filled in. */
  resolvedParameters: Prisma.InputJsonObject | null;
  /** Whether it may have reached outside the database (see `actsOutside`): an undo always counts as such. */
  actedOutside: boolean;
}

/**
 * Runs the handlers of claimed actions (for an undo action, the undo of the action it rolls back) in
 * one transaction: the claims still held are locked first (`lockHeldClaims`), then each action's
 * stale check and handler run one after another in the order given, then one statement marks every
 * action that ran executed with its result, state before (rollbackData) and audit event, and the
 * batch commits once. An action whose handler threw is rolled back alone (see `runHeldActions`); the
 * caller records its retry or failure after the commit. The mark is fenced by each claim token, and
 * the locks taken first keep every claim held until the commit, so a worker presumed dead and taken
 * over commits none of its effects, and no action commits twice.
 */
export async function runClaimedActions(
  deps: { db: Db; clock: Clock; registry: ActionRegistry } & Pick<CoreDeps, "connectorKey" | "delivery">,
  claims: readonly ClaimedAction[],
): Promise<RunResult[]> {
  if (claims.length === 0) return [];
  const batch = { registry: deps.registry, services: actionServices(deps), claims };
  // Each action of the batch gets the time one action had alone.
  const options = { maxWait: 10_000, timeout: 60_000 * claims.length };
  try {
    return await transactionWithSql(deps.db, (tx) => runBatch(tx, deps.clock.now(), batch, null), options);
  } catch (error) {
    if (!(error instanceof BatchAbandoned)) throw error;
    return transactionWithSql(deps.db, (tx) => runBatch(tx, deps.clock.now(), batch, error.failure), options);
  }
}

interface Batch {
  registry: ActionRegistry;
  services: ActionServices;
  claims: readonly ClaimedAction[];
}

/** What one action's stale check and handler came to; `undo` when its writes must not stay. */
type Step = { kind: "kept"; result: RunResult; ran: Ran | null } | { kind: "undo"; result: RunResult };

/** An action failed before any savepoint guarded the others: the transaction rolls back, and the batch runs again without it. */
class BatchAbandoned extends Error {
  constructor(readonly failure: { index: number; result: RunResult }) {
    super("an action of the batch failed with no savepoint to roll back to");
  }
}

async function runBatch(tx: DbTransaction, now: Date, batch: Batch, failure: { index: number; result: RunResult } | null): Promise<RunResult[]> {
  const { claims } = batch;
  const held = await lockHeldClaims(tx, claims.map((claim) => ({ actionId: claim.action.id, claimToken: claim.claimToken })));
  const outcome = await runHeldActions(tx, now, batch, held, failure);
  const executed = claims.flatMap((claim, index) => {
    const ran = outcome.ran.get(index);
    return ran ? [{ index, claim, ran }] : [];
  });
  const waiting = await markExecutedStatement(
    tx,
    executed.map(({ claim, ran }) => ({
      actionId: claim.action.id,
      claimToken: claim.claimToken,
      result: ran.result,
      rollbackData: ran.rollbackData,
      targetId: ran.targetId,
      parameters: ran.resolvedParameters,
      details: { attempt: claim.action.attempts, durationMs: Date.now() - claim.startedAt, result: ran.result },
    })),
    now,
  );
  // The locks taken first make this impossible; if it happened anyway, nothing of the batch may commit.
  if (waiting.size !== executed.length) throw new Error(`a batch lost ${executed.length - waiting.size} of its locked claims before marking them executed`);
  for (const { index, claim, ran } of executed) {
    const result = outcome.results[index];
    if (result?.kind === "ran") result.outcome.waiting = waiting.get(claim.action.id) ?? [];
    if (ran.rolledBack) await recordRolledBack(tx, { undo: claim.action, original: ran.rolledBack, now });
  }
  return outcome.results;
}

/**
 * Runs the held actions of a batch one after another. A failed action must lose its writes and the
 * batch keep the others', but a savepoint before every action costs a round trip per action; so the
 * actions run without one until something fails, and a savepoint is opened only where rolling back
 * further would undo an effect outside the database: before the next action after one that may have
 * acted outside (`actsOutsideWith`, else `actsOutside` not false: custom types that leave it unset
 * included), and after an undo. When an action fails, the transaction rolls back to the
 * newest savepoint (or, with none, the whole transaction is abandoned and the batch runs again), the
 * actions it undid run again (they only wrote to the database, which the rollback undid), and from
 * then on every action gets a savepoint of its own, so a batch runs again at most once.
 *
 * With `failure` (the batch running again after it was abandoned), that action does not run, and
 * every other one gets a savepoint of its own.
 */
async function runHeldActions(
  tx: DbTransaction,
  now: Date,
  batch: Batch,
  held: ReadonlySet<number>,
  failure: { index: number; result: RunResult } | null,
): Promise<{ results: RunResult[]; ran: Map<number, Ran> }> {
  const { claims } = batch;
  const results: RunResult[] = claims.map(() => ({ kind: "lost" }));
  const ran = new Map<number, Ran>();
  const keep = (index: number, step: Step) => {
    results[index] = step.result;
    if (step.kind === "kept" && step.ran) ran.set(index, step.ran);
    else ran.delete(index);
  };
  const runGuarded = async (index: number, claim: ClaimedAction) => {
    await openSavepoint(tx);
    const step = await runStep(tx, now, batch, claim);
    if (step.kind === "undo") await rollbackToSavepoint(tx);
    keep(index, step);
  };

  let guarded = failure !== null;
  let savepointOpen = false;
  let sinceSavepoint: number[] = [];
  let actedOutside = false;
  for (const [index, claim] of claims.entries()) {
    if (!held.has(claim.action.id)) continue;
    if (failure?.index === index) {
      results[index] = failure.result;
      continue;
    }
    if (guarded) {
      await runGuarded(index, claim);
      continue;
    }
    if (actedOutside) {
      await openSavepoint(tx);
      [savepointOpen, sinceSavepoint, actedOutside] = [true, [], false];
    }
    const step = await runStep(tx, now, batch, claim);
    if (step.kind === "kept") {
      keep(index, step);
      sinceSavepoint.push(index);
      actedOutside = step.ran?.actedOutside ?? false;
      continue;
    }
    if (!savepointOpen) throw new BatchAbandoned({ index, result: step.result });
    await rollbackToSavepoint(tx);
    keep(index, step);
    guarded = true;
    for (const again of sinceSavepoint) {
      const earlier = claims[again];
      if (earlier) await runGuarded(again, earlier);
    }
  }
  return { results, ran };
}

/** One action's stale check and handler (or undo); a throw, or a stale check that lost the claim, answers `undo`. */
async function runStep(tx: DbTransaction, now: Date, batch: Batch, { action, claimToken }: ClaimedAction): Promise<Step> {
  try {
    const stale = await returnToPendingIfStale(tx, { action, claimToken, now });
    if (stale && !stale.held) return { kind: "undo", result: { kind: "lost" } };
    if (stale) {
      return { kind: "kept", result: { kind: "ran", outcome: { result: {}, targetId: action.targetId, effects: [], rolledBack: null, returnedToPending: stale.reason, waiting: [] } }, ran: null };
    }
    const ran = action.rollbackOfId !== null ? await runUndo(tx, batch.registry, action, now, batch.services) : await runHandler(tx, batch.registry, action, now, batch.services);
    return { kind: "kept", result: { kind: "ran", outcome: { result: ran.result, targetId: ran.targetId, effects: ran.effects, rolledBack: ran.rolledBack, returnedToPending: null, waiting: [] } }, ran };
  } catch (error) {
    return { kind: "undo", result: { kind: "threw", error } };
  }
}

async function runHandler(tx: DbTransaction, registry: ActionRegistry, action: AgentAction, now: Date, services: ActionServices): Promise<Ran> {
  const definition = registry[action.actionType];
  if (!definition) throw new CoreError("INVALID", `#${action.id} is a ${action.actionType} action, a type this worker does not know (is its module in LEASH_ACTION_TYPES?)`);
  if (!definition.execute) throw new CoreError("INVALID", `#${action.id} is carried out by the agent that proposed it, which reports the outcome with action.complete`);
  const step = action.stepTemplate !== null ? await resolveStep(tx, action) : null;
  const targetId = step ? step.targetId : action.targetId;
  const parsed = definition.parametersSchema.safeParse(step ? step.parameters : action.parameters);
  if (!parsed.success) {
    throw new CoreError("INVALID", `Stored parameters of #${action.id} are invalid: ${parsed.error.message}`);
  }
  const outcome = await definition.execute({
    tx,
    tenantId: action.tenantId,
    actionId: action.id,
    attempt: action.attempts,
    targetType: action.targetType,
    targetId,
    parameters: parsed.data,
    now,
    services,
  });
  return {
    result: outcome.result,
    rollbackData: outcome.rollbackData,
    targetId: outcome.targetId ?? targetId,
    effects: outcome.effects ?? [],
    rolledBack: null,
    resolvedParameters: step ? step.parameters : null,
    actedOutside: definition.actsOutsideWith ? definition.actsOutsideWith(parsed.data) : definition.actsOutside !== false,
  };
}

async function runUndo(tx: DbTransaction, registry: ActionRegistry, action: AgentAction, now: Date, services: ActionServices): Promise<Ran> {
  const undone = await undoOriginal(tx, registry, { undo: action, now, services });
  return {
    result: undone.result,
    rollbackData: null,
    targetId: action.targetId,
    effects: undone.effects ?? [],
    rolledBack: undone.original,
    resolvedParameters: null,
    actedOutside: true,
  };
}

export function errorMessageOf(error: unknown): string {
  if (isCoreError(error)) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
