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
import { markExecuted } from "./mark-executed.ts";

export class ClaimLostError extends Error {
  constructor(actionId: number) {
    super(`Claim on action #${actionId} was taken over by another worker`);
    this.name = "ClaimLostError";
  }
}

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
 * Runs the handler of a claimed action (or, for an undo action, the undo of the action it rolls
 * back). Its writes, the result, the state before (rollbackData), the `executed` status and the
 * audit event commit in one transaction, and only while this worker's claim still holds: the
 * statement that marks the action executed matches its claim token (and locks the row until the
 * commit), so a worker that was presumed dead and taken over rolls its effect back instead of
 * committing a second one.
 */
export async function runClaimedAction(
  deps: { db: Db; clock: Clock; registry: ActionRegistry } & Pick<CoreDeps, "connectorKey" | "delivery">,
  { action, claimToken, startedAt }: { action: AgentAction; claimToken: string; startedAt: number },
): Promise<RunOutcome> {
  return deps.db.$transaction(
    async (tx) => {
      const now = deps.clock.now();
      const stale = await returnToPendingIfStale(tx, { action, claimToken, now });
      if (stale && !stale.held) throw new ClaimLostError(action.id);
      if (stale) return { result: {}, targetId: action.targetId, effects: [], rolledBack: null, returnedToPending: stale.reason, waiting: [] };
      const ran = action.rollbackOfId !== null ? await runUndo(tx, deps.registry, action, now, actionServices(deps)) : await runHandler(tx, deps.registry, action, now, actionServices(deps));
      const marked = await markExecuted(tx, {
        action,
        claimToken,
        now,
        result: ran.result,
        rollbackData: ran.rollbackData,
        targetId: ran.targetId,
        parameters: ran.resolvedParameters,
        details: { attempt: action.attempts, durationMs: Date.now() - startedAt, result: ran.result },
      });
      if (!marked.held) throw new ClaimLostError(action.id);
      if (ran.rolledBack) await recordRolledBack(tx, { undo: action, original: ran.rolledBack, now });
      return {
        result: ran.result,
        targetId: ran.targetId,
        effects: ran.effects,
        rolledBack: ran.rolledBack,
        returnedToPending: null,
        waiting: marked.waiting,
      };
    },
    { maxWait: 10_000, timeout: 60_000 },
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
