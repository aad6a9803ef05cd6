import { toActionView } from "../actions/action-view.ts";
import { findActionOrThrow } from "../actions/find-action.ts";
import { isTerminal } from "../actions/state-machine.ts";
import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { parseInput } from "../validation.ts";
import { actionVersion } from "./action-watcher.ts";
import { beginWait } from "./begin-wait.ts";
import type { WaitDeps } from "./settle-action.ts";
import { watchActionInputSchema, type ActionChange, type WatchActionInput } from "./wait-inputs.ts";

/**
 * The action's state now and after every change, ending once it is executed, rejected, failed or
 * cancelled, or when `signal` aborts (the client went away) or the watcher closes (shutdown); it
 * fails with UNAUTHORIZED once the caller's key is revoked.
 */
export async function* watchAction(
  deps: WaitDeps,
  { actor, input, signal, reauthenticate }: { actor: Actor; input: WatchActionInput; signal: AbortSignal; reauthenticate: () => Promise<unknown> },
): AsyncGenerator<ActionChange, void, undefined> {
  assertCan(actor, "action.read");
  const { actionId, lastEventId } = parseInput(watchActionInputSchema, input, "watch");
  const lease = await beginWait(deps, { actor, reauthenticate, signal });
  try {
    let sent = lastEventId ?? null;
    let watching = true;
    while (watching && !signal.aborted) {
      lease.assertValid();
      const since = deps.watcher.mark();
      const action = await findActionOrThrow(deps.db, actor.tenantId, actionId);
      const version = actionVersion(action);
      if (version !== sent) {
        yield { version, action: toActionView(action) };
        sent = version;
      }
      if (isTerminal(action.status)) return;
      watching = await deps.watcher.nextChange({ actionId, seen: version, since, signal: lease.signal });
    }
  } finally {
    lease.end();
  }
}
