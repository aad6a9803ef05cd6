import type { AgentAction, Db, DbTransaction, Prisma } from "@leash/db";

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
}

/**
 * Runs the handlers of claimed actions (for an undo action, the undo of the action it rolls back) in
 * one transaction: the claims still held are locked first (`lockHeldClaims`), then each action's
 * stale check and handler run inside its own savepoint, one after another in the order given, then
 * one statement marks every action that ran executed with its result, state before (rollbackData)
 * and audit event, and the batch commits once. An action whose handler threw is rolled back to its
 * savepoint alone; the caller records its retry or failure after the commit. The mark is fenced by
 * each claim token, and the locks taken first keep every claim held until the commit, so a worker
 * presumed dead and taken over commits none of its effects, and no action commits twice.
 */
export async function runClaimedActions(
  deps: { db: Db; clock: Clock; registry: ActionRegistry } & Pick<CoreDeps, "connectorKey" | "delivery">,
  claims: readonly ClaimedAction[],
): Promise<RunResult[]> {
  if (claims.length === 0) return [];
  return deps.db.$transaction(
    async (tx) => {
      const now = deps.clock.now();
      const held = await lockHeldClaims(tx, claims.map((claim) => ({ actionId: claim.action.id, claimToken: claim.claimToken })));
      const results: RunResult[] = [];
      const executed: { index: number; claim: ClaimedAction; ran: Ran }[] = [];
      for (const claim of claims) {
        const { action, claimToken } = claim;
        if (!held.has(action.id)) {
          results.push({ kind: "lost" });
          continue;
        }
        await openSavepoint(tx);
        try {
          const stale = await returnToPendingIfStale(tx, { action, claimToken, now });
          if (stale && !stale.held) {
            await rollbackToSavepoint(tx);
            results.push({ kind: "lost" });
            continue;
          }
          if (stale) {
            results.push({ kind: "ran", outcome: { result: {}, targetId: action.targetId, effects: [], rolledBack: null, returnedToPending: stale.reason, waiting: [] } });
            continue;
          }
          const ran = action.rollbackOfId !== null ? await runUndo(tx, deps.registry, action, now, actionServices(deps)) : await runHandler(tx, deps.registry, action, now, actionServices(deps));
          executed.push({ index: results.length, claim, ran });
          results.push({ kind: "ran", outcome: { result: ran.result, targetId: ran.targetId, effects: ran.effects, rolledBack: ran.rolledBack, returnedToPending: null, waiting: [] } });
        } catch (error) {
          await rollbackToSavepoint(tx);
          results.push({ kind: "threw", error });
        }
      }
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
        const result = results[index];
        if (result?.kind === "ran") result.outcome.waiting = waiting.get(claim.action.id) ?? [];
        if (ran.rolledBack) await recordRolledBack(tx, { undo: claim.action, original: ran.rolledBack, now });
      }
      return results;
    },
    // Each action of the batch gets the time one action had alone.
    { maxWait: 10_000, timeout: 60_000 * claims.length },
  );
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
  };
}

export function errorMessageOf(error: unknown): string {
  if (isCoreError(error)) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
