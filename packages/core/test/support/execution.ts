import type { Db } from "@leash/db";

import type { ActionRegistry } from "../../src/action-types/action-type-registry.ts";
import type { Clock } from "../../src/clock.ts";
import { claimActions, type ClaimResult } from "../../src/execution/claim-actions.ts";
import { runClaimedActions, type RunOutcome } from "../../src/execution/run-claimed-actions.ts";

/** Claims one action, as a batch of one. */
export async function claimOne(db: Db, options: { actionId: number; workerId: string; now: Date; staleClaimMs: number }): Promise<ClaimResult> {
  const [claimed] = await claimActions(db, { actionIds: [options.actionId], workerId: options.workerId, now: options.now, staleClaimMs: options.staleClaimMs });
  if (!claimed) throw new Error("claimActions answered nothing");
  return claimed;
}

/** Runs one claimed action, as a batch of one: its outcome, or its handler's error thrown again. */
export async function runOne(
  deps: { db: Db; clock: Clock; registry: ActionRegistry },
  claimed: Extract<ClaimResult, { kind: "claimed" }>,
): Promise<RunOutcome> {
  const [result] = await runClaimedActions(deps, [{ action: claimed.action, claimToken: claimed.claimToken, startedAt: Date.now() }]);
  if (result?.kind === "ran") return result.outcome;
  if (result?.kind === "threw") throw result.error;
  throw new Error(`claim on action #${claimed.action.id} was lost`);
}

/** Claims and runs one approved action here, as the worker would, at the clock's time. */
export async function executeHere(deps: { db: Db; clock: Clock; registry: ActionRegistry }, actionId: number): Promise<RunOutcome> {
  const claimed = await claimOne(deps.db, { actionId, workerId: "test", now: deps.clock.now(), staleClaimMs: 60_000 });
  if (claimed.kind !== "claimed") throw new Error(`expected a claim, got ${claimed.kind}`);
  return runOne(deps, claimed);
}
