import type { AgentAction, DbTransaction } from "@leash/db";

import { systemActor } from "../actor.ts";
import type { AfterCommitEffect } from "../action-types/action-definition.ts";
import type { ActionRegistry } from "../action-types/action-type-registry.ts";
import type { JsonObject } from "../actions/json.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";
import type { CoreDeps } from "../deps.ts";
import { isCoreError } from "../errors.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { inSpan, spanAttributes } from "../observability/tracing.ts";
import { retryDelayMs, type RetryPolicy } from "../queue/queue-definitions.ts";
import { claimAction } from "./claim-action.ts";
import { failDependents, notRunMessage, type StoppedAction } from "./fail-dependents.ts";
import { ClaimLostError, errorMessageOf, runClaimedAction } from "./run-claimed-action.ts";
import { wakeActions, wakeWaitingOn } from "./waiting-on.ts";

export type ExecutionOutcome =
  | { kind: "executed"; actionId: number }
  | { kind: "blocked"; blockedBy: number; retryInMs: number }
  | { kind: "busy"; retryInMs: number }
  | { kind: "skipped"; reason: string }
  | { kind: "retry"; error: string; retryInMs: number }
  | { kind: "failed"; error: string };

const PENDING_DEPENDENCY_RECHECK_MS = 30_000;

export interface ExecuteActionOptions {
  actionId: number;
  workerId: string;
  retryPolicy: RetryPolicy;
  staleClaimMs: number;
  /**
   * How long a job whose action is blocked (by an earlier action on its target, or a dependency that
   * has not executed) waits before checking again: the base delay, doubled for each earlier run of
   * the job, up to the cap. A blocker that ends wakes it sooner (`wakeWaitingOn`), so the checks are
   * only the fallback, and a long blocker is not asked about every second.
   */
  blockedRecheck: RetryPolicy;
  /** How many times this job ran before this run (each time it was blocked, busy or retried). */
  earlierRuns: number;
}

/**
 * The worker's whole job for one action: claim it, run it exactly once in effect, and decide what
 * happens after a failure from the action's own attempt count (Postgres is the source of truth).
 * The caller only maps the outcome to its queue: wait and retry, or stop.
 */
export async function executeAction(
  deps: CoreDeps & { registry: ActionRegistry },
  options: ExecuteActionOptions,
): Promise<ExecutionOutcome> {
  const startedAt = Date.now();
  const claim = await inSpan("claim action", { attributes: { [spanAttributes.actionId]: options.actionId } }, async (span) => {
    const claimed = await claimAction(deps.db, {
      actionId: options.actionId,
      workerId: options.workerId,
      now: deps.clock.now(),
      staleClaimMs: options.staleClaimMs,
    });
    span.setAttribute("leash.claim.result", claimed.kind);
    return claimed;
  });
  if (claim.kind === "blocked") return { ...claim, retryInMs: blockedRecheckMs(options) };
  if (claim.kind === "waiting") return waitForDependency(deps, claim.dependency, options);
  if (claim.kind !== "claimed") return claim;

  const { action, claimToken } = claim;
  try {
    const attributes = { [spanAttributes.actionId]: action.id, [spanAttributes.tenantId]: action.tenantId, "leash.action.type": action.actionType, "leash.action.attempt": action.attempts };
    // The span of the transaction that runs the handler and commits its writes with the result and the audit event.
    const outcome = await inSpan("execute action", { attributes }, () => runClaimedAction(deps, { action, claimToken, startedAt }));
    if (outcome.returnedToPending !== null) {
      await wakeWaitingOn(deps, [action]);
      await publishActionEvents(deps, [action], "returned_to_pending");
      return { kind: "skipped", reason: outcome.returnedToPending };
    }
    await afterCommit(deps, outcome.effects);
    await wakeActions(deps, outcome.waiting);
    deps.counters?.executed(action.actionType, (Date.now() - startedAt) / 1000);
    await publishActionEvents(deps, [action], "executed");
    if (outcome.rolledBack) await publishActionEvents(deps, [outcome.rolledBack], "rolled_back");
    return { kind: "executed", actionId: action.id };
  } catch (error) {
    if (error instanceof ClaimLostError) return { kind: "skipped", reason: error.message };
    const message = errorMessageOf(error);
    const permanent = isCoreError(error) && !error.retryable;
    const exhausted = action.attempts >= action.maxAttempts;
    const now = deps.clock.now();

    if (permanent || exhausted) {
      const stopped: StoppedAction[] = [];
      const recorded = await deps.db.$transaction(async (tx) => {
        const won = await endAttempt(tx, action, claimToken, now, {
          to: "failed",
          error: message,
          event: "failed",
          details: { permanent },
        });
        if (won) stopped.push(...(await failDependents(tx, { ...action, status: "failed" }, now)));
        return won;
      });
      if (recorded) {
        deps.counters?.failed(action.actionType);
        await wakeWaitingOn(deps, [action, ...stopped]);
        await publishActionEvents(deps, [action, ...stopped], "failed");
      }
      return recorded
        ? { kind: "failed", error: message }
        : { kind: "skipped", reason: "claim lost while failing" };
    }

    // A server that said when to come back (429 or 503 with Retry-After) is not asked again sooner.
    const retryInMs = Math.max(retryDelayMs(action.attempts, options.retryPolicy), isCoreError(error) ? (error.retryAfterMs ?? 0) : 0);
    const recorded = await deps.db.$transaction((tx) =>
      endAttempt(tx, action, claimToken, now, {
        to: "approved",
        error: message,
        event: "retried",
        details: { nextDelayMs: retryInMs },
      }),
    );
    deps.logger.warn(
      { actionId: action.id, attempt: action.attempts, err: message, retryInMs },
      "action attempt failed",
    );
    if (recorded) deps.counters?.retried(action.actionType);
    return recorded
      ? { kind: "retry", error: message, retryInMs }
      : { kind: "skipped", reason: "claim lost while retrying" };
  }
}

/**
 * Ends a failed attempt while this worker's claim still holds: the action leaves `executing` (for
 * good, or back to `approved` for a retry) and its timeline records the attempt and the error.
 */
async function endAttempt(
  tx: DbTransaction,
  action: AgentAction,
  claimToken: string,
  now: Date,
  outcome: { to: "failed" | "approved"; error: string; event: "failed" | "retried"; details: JsonObject },
): Promise<boolean> {
  const won = await transitionAction(tx, {
    id: action.id,
    tenantId: action.tenantId,
    from: ["executing"],
    to: outcome.to,
    claimToken,
    data: { errorMessage: outcome.error, claimToken: null, updatedAt: now },
  });
  if (won) {
    await recordEvent(tx, {
      tenantId: action.tenantId,
      actionId: action.id,
      type: outcome.event,
      actor: systemActor(action.tenantId, "worker"),
      details: { attempt: action.attempts, error: outcome.error, ...outcome.details },
    });
  }
  return won;
}

async function afterCommit(deps: CoreDeps, effects: AfterCommitEffect[]) {
  for (const effect of effects) {
    try {
      if (effect.kind === "schedule_reminder") {
        await deps.queue.enqueueReminder({
          reminderId: effect.reminderId,
          tenantId: effect.tenantId,
          dueAt: effect.dueAt,
        });
      } else {
        await deps.queue.cancelReminder(effect.reminderId);
      }
    } catch (error) {
      // A cancelled reminder's job that stays behind does nothing: firing checks the reminder's status.
      deps.logger.warn(
        { err: error, reminderId: effect.reminderId, effect: effect.kind },
        "reminder job change failed; the reconciler or the status check covers it",
      );
    }
  }
}

/** A job whose dependency has not executed waits for it; if it never will, the job's action fails without running. */
async function waitForDependency(
  deps: CoreDeps,
  dependency: Pick<AgentAction, "id" | "tenantId" | "status" | "templateStep">,
  options: ExecuteActionOptions,
): Promise<ExecutionOutcome> {
  switch (dependency.status) {
    case "pending":
      // A person may take hours; the dependency's execution wakes this job (promoteDependents) long before the recheck.
      return {
        kind: "blocked",
        blockedBy: dependency.id,
        retryInMs: Math.max(blockedRecheckMs(options), PENDING_DEPENDENCY_RECHECK_MS),
      };
    case "approved":
    case "executing":
      return { kind: "blocked", blockedBy: dependency.id, retryInMs: blockedRecheckMs(options) };
    case "executed":
      return { kind: "busy", retryInMs: 0 };
    case "failed":
    case "rejected":
    case "cancelled": {
      const stopped = await deps.db.$transaction((tx) => failDependents(tx, dependency, deps.clock.now()));
      await wakeWaitingOn(deps, stopped);
      await publishActionEvents(deps, stopped, "failed");
      return { kind: "skipped", reason: notRunMessage(dependency) };
    }
  }
}

function blockedRecheckMs(options: ExecuteActionOptions): number {
  return retryDelayMs(options.earlierRuns + 1, options.blockedRecheck);
}
