import type { AgentAction, Db } from "@leash/db";

import { findActionType } from "../action-types/action-type-registry.ts";
import { toActionView } from "../actions/action-view.ts";
import { findActionOrThrow } from "../actions/find-action.ts";
import { isTerminal } from "../actions/state-machine.ts";
import type { Logger } from "../logger.ts";
import { actionVersion, type ActionWatcher } from "./action-watcher.ts";
import type { WaitSlots } from "./wait-slots.ts";
import { encodeWaitCursor, type ActionWait } from "./wait-inputs.ts";

/** What the waiting verbs run against: the database, the process's one shared watcher and the per-key slots. */
export interface WaitDeps {
  db: Db;
  logger: Logger;
  watcher: ActionWatcher;
  /** Caps the waits and watches each API key has open at once. */
  slots: WaitSlots;
  /** How often a wait re-checks its caller's key (DEFAULT_KEY_RECHECK_MS when omitted). */
  keyRecheckMs?: number;
}

/**
 * Whether the agent has its answer: the action ended, or it is approved and of a type the agent
 * carries out itself (`external`), where the approval is the go-ahead it waits for and nothing
 * else happens until it reports.
 */
function settled(action: Pick<AgentAction, "status" | "actionType">): boolean {
  return isTerminal(action.status) || (action.status === "approved" && findActionType(action.actionType)?.performedBy === "agent");
}

/**
 * Reads the action until it is settled (terminal, or approved for the agent to run itself) or
 * `waitSeconds` have passed (or `signal` aborts), sleeping on the shared watcher between reads,
 * and answers with where it stands. Authorisation is the caller's.
 */
export async function settleAction(
  deps: WaitDeps,
  { tenantId, actionId, waitSeconds, signal }: { tenantId: string; actionId: number; waitSeconds: number; signal?: AbortSignal | undefined },
): Promise<ActionWait> {
  const bound = AbortSignal.timeout(waitSeconds * 1000);
  const stop = signal ? AbortSignal.any([signal, bound]) : bound;
  let watching = true;
  for (;;) {
    const since = deps.watcher.mark();
    const action = await findActionOrThrow(deps.db, tenantId, actionId);
    const done = settled(action);
    if (done || stop.aborted || !watching) return { action: toActionView(action), done, cursor: encodeWaitCursor(action.id) };
    watching = await deps.watcher.nextChange({ actionId, seen: actionVersion(action), since, signal: stop, startsToo: false });
  }
}
