import type { AgentAction, DbTransaction } from "@leash/db";

import { systemActor } from "../actor.ts";
import type { AfterCommitEffect } from "../action-types/action-definition.ts";
import type { ActionRegistry } from "../action-types/action-type-registry.ts";
import type { JsonObject } from "../actions/json.ts";
import { recordEvent } from "../actions/record-event.ts";
import { transitionAction } from "../actions/transition-action.ts";
import type { CoreDeps } from "../deps.ts";
import { isCoreError } from "../errors.ts";
import { publishActionChanges } from "../notifications/publish-action-changes.ts";
import { publishActionEvents } from "../notifications/publish-action-events.ts";
import { inSpan, spanAttributes } from "../observability/tracing.ts";
import { retryDelayMs, type RetryPolicy } from "../queue/queue-definitions.ts";
import { claimActions } from "./claim-actions.ts";
import { failDependents, notRunMessage, type StoppedAction } from "./fail-dependents.ts";
import { errorMessageOf, runClaimedActions, type ClaimedAction, type RunResult } from "./run-claimed-actions.ts";
import { wakeActions, wakeWaitingOn } from "./waiting-on.ts";

export type ExecutionOutcome =
  | { kind: "executed"; actionId: number }
  | { kind: "blocked"; blockedBy: number; retryInMs: number }
  | { kind: "busy"; retryInMs: number }
  | { kind: "skipped"; reason: string }
  | { kind: "retry"; error: string; retryInMs: number }
  | { kind: "failed"; error: string };

const PENDING_DEPENDENCY_RECHECK_MS = 30_000;

/** What every execution of one worker shares. */
export interface ExecutionSettings {
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
}

/** One job's request to execute its action. */
export interface ExecutionRequest {
  actionId: number;
  /** How many times this job ran before this run (each time it was blocked, busy or retried). */
  earlierRuns: number;
}

/** Requests ready together, executed as one batch, and the settings they share. */
export interface ExecuteActionsOptions extends ExecutionSettings {
  requests: readonly ExecutionRequest[];
  /**
   * Called as soon as a request's outcome is known: those that were not claimed (blocked, busy,
   * waiting, skipped) are told before the batch's transaction starts, so their jobs are already
   * delayed when the batch's commit wakes them.
   */
  onDecided?: (index: number, outcome: ExecutionOutcome) => void;
}

/**
 * The worker's whole job for a batch of actions that were ready together: claim them with one
 * statement, run the claimed ones exactly once in effect in one transaction (each in its own
 * savepoint, `runClaimedActions`), and decide, for each action, what happens after a failure from
 * its own attempt count (Postgres is the source of truth). Answers one outcome per request, in
 * order; the caller only maps each to its queue: wait and retry, or stop.
 */
export async function executeActions(
  deps: CoreDeps & { registry: ActionRegistry },
  options: ExecuteActionsOptions,
): Promise<ExecutionOutcome[]> {
  const startedAt = Date.now();
  const { requests } = options;
  const outcomes: (ExecutionOutcome | undefined)[] = requests.map(() => undefined);
  const decide = (index: number, outcome: ExecutionOutcome) => {
    outcomes[index] = outcome;
    options.onDecided?.(index, outcome);
  };
  const batchAttributes = requests.length === 1 ? { [spanAttributes.actionId]: requests[0]?.actionId ?? 0 } : { [spanAttributes.actionIds]: requests.map((request) => request.actionId) };
  const claims = await inSpan("claim action", { attributes: { ...batchAttributes, "leash.batch.size": requests.length } }, async (span) => {
    const claimed = await claimActions(deps.db, {
      actionIds: requests.map((request) => request.actionId),
      workerId: options.workerId,
      now: deps.clock.now(),
      staleClaimMs: options.staleClaimMs,
    });
    span.setAttribute("leash.claim.result", requests.length === 1 ? (claimed[0]?.kind ?? "skipped") : `${claimed.filter((claim) => claim.kind === "claimed").length} claimed`);
    return claimed;
  });

  const toRun: { index: number; claim: ClaimedAction }[] = [];
  await Promise.all(
    claims.map(async (claim, index) => {
      const request = requests[index];
      if (!request) return;
      if (claim.kind === "claimed") toRun.push({ index, claim: { action: claim.action, claimToken: claim.claimToken, startedAt } });
      else if (claim.kind === "blocked") decide(index, { ...claim, retryInMs: blockedRecheckMs(options, request) });
      else if (claim.kind === "waiting") decide(index, await waitForDependency(deps, claim.dependency, options, request));
      else decide(index, claim);
    }),
  );
  toRun.sort((a, b) => a.index - b.index);
  // Watchers see the claimed actions start (action.watch streams `executing`): one PUBLISH for the
  // batch, sent while the transaction runs rather than before it (it never throws: see publishActionChanges).
  const startAnnounced = publishActionChanges(deps, toRun.map(({ claim }) => claim.action.id), "started");

  if (toRun.length > 0) {
    const [first] = toRun;
    const attributes =
      toRun.length === 1 && first
        ? { [spanAttributes.actionId]: first.claim.action.id, [spanAttributes.tenantId]: first.claim.action.tenantId, "leash.action.type": first.claim.action.actionType, "leash.action.attempt": first.claim.action.attempts }
        : { [spanAttributes.actionIds]: toRun.map(({ claim }) => claim.action.id), "leash.batch.size": toRun.length };
    // The span of the transaction that runs the handlers and commits their writes with the results and the audit events.
    const results = await inSpan("execute action", { attributes }, () => runClaimedActions(deps, toRun.map(({ claim }) => claim)));
    const ran = toRun.map((entry, position) => ({ ...entry, result: results[position] ?? { kind: "lost" as const } }));
    await afterBatch(deps, options, startedAt, ran, decide);
  }
  await startAnnounced;
  return outcomes.map((outcome) => outcome ?? { kind: "skipped", reason: "no outcome" });
}

/** What happens once the batch has committed: wake, tell and count what ran, record what threw. */
async function afterBatch(
  deps: CoreDeps,
  options: ExecutionSettings,
  startedAt: number,
  ran: { index: number; claim: ClaimedAction; result: RunResult }[],
  decide: (index: number, outcome: ExecutionOutcome) => void,
): Promise<void> {
  const executed: AgentAction[] = [];
  const returned: AgentAction[] = [];
  for (const { index, claim, result } of ran) {
    const { action } = claim;
    if (result.kind === "lost") {
      decide(index, { kind: "skipped", reason: `Claim on action #${action.id} was taken over by another worker` });
    } else if (result.kind === "ran" && result.outcome.returnedToPending !== null) {
      returned.push(action);
      decide(index, { kind: "skipped", reason: result.outcome.returnedToPending });
    } else if (result.kind === "ran") {
      executed.push(action);
    }
  }
  if (returned.length > 0) {
    await wakeWaitingOn(deps, returned);
    await publishActionEvents(deps, returned, "returned_to_pending");
  }
  const succeeded = ran.flatMap((entry) => (entry.result.kind === "ran" && entry.result.outcome.returnedToPending === null ? [{ ...entry, outcome: entry.result.outcome }] : []));
  // What someone waits on first: the executed actions' waiters (proposeAndWait answers on it), then reminders and the next jobs.
  if (executed.length > 0) await publishActionEvents(deps, executed, "executed");
  await afterCommit(deps, succeeded.flatMap(({ outcome }) => outcome.effects));
  await wakeActions(deps, succeeded.flatMap(({ outcome }) => outcome.waiting));
  for (const { claim } of succeeded) deps.counters?.executed(claim.action.actionType, (Date.now() - startedAt) / 1000);
  const rolledBack = succeeded.flatMap(({ outcome }) => (outcome.rolledBack ? [outcome.rolledBack] : []));
  if (rolledBack.length > 0) await publishActionEvents(deps, rolledBack, "rolled_back");
  for (const { index, claim } of succeeded) decide(index, { kind: "executed", actionId: claim.action.id });

  // Failures are rare: each is recorded as today, in its own transaction, fenced by its claim.
  for (const { index, claim, result } of ran) {
    if (result.kind === "threw") decide(index, await recordFailure(deps, options, claim, result.error));
  }
}

/** A handler threw: the attempt ends as a retry, or as a failure when it cannot succeed or has no attempts left. */
async function recordFailure(deps: CoreDeps, options: ExecutionSettings, { action, claimToken }: ClaimedAction, error: unknown): Promise<ExecutionOutcome> {
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
    return recorded ? { kind: "failed", error: message } : { kind: "skipped", reason: "claim lost while failing" };
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
  deps.logger.warn({ actionId: action.id, attempt: action.attempts, err: message, retryInMs }, "action attempt failed");
  if (recorded) {
    deps.counters?.retried(action.actionType);
    // Back to approved: no card changes, but a waiter sees the attempt's error.
    await publishActionChanges(deps, [action.id]);
  }
  return recorded ? { kind: "retry", error: message, retryInMs } : { kind: "skipped", reason: "claim lost while retrying" };
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
  options: ExecutionSettings,
  request: ExecutionRequest,
): Promise<ExecutionOutcome> {
  switch (dependency.status) {
    case "pending":
      // A person may take hours; the dependency's execution wakes this job (promoteDependents) long before the recheck.
      return {
        kind: "blocked",
        blockedBy: dependency.id,
        retryInMs: Math.max(blockedRecheckMs(options, request), PENDING_DEPENDENCY_RECHECK_MS),
      };
    case "approved":
    case "executing":
      return { kind: "blocked", blockedBy: dependency.id, retryInMs: blockedRecheckMs(options, request) };
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

function blockedRecheckMs(options: ExecutionSettings, request: ExecutionRequest): number {
  return retryDelayMs(request.earlierRuns + 1, options.blockedRecheck);
}
