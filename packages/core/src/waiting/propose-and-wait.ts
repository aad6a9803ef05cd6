import type { Actor } from "../actor.ts";
import { proposeAction } from "../proposals/propose-action.ts";
import type { CoreDeps } from "../deps.ts";
import { parseInput } from "../validation.ts";
import { beginWait } from "./begin-wait.ts";
import { settleAction, type WaitDeps } from "./settle-action.ts";
import { proposeAndWaitInputSchema, type ProposeAndWaitInput, type ProposeAndWaitResult } from "./wait-inputs.ts";

/**
 * Proposes like proposeAction (same rules, same idempotencyKey: a retried call finds the first
 * action and waits for it again) and then waits, at most `waitSeconds`, for the action to end.
 * The wait's slot is taken first, so a key with too many waits open is refused before anything is stored.
 */
export async function proposeAndWait(
  deps: CoreDeps & WaitDeps,
  { actor, input, signal, reauthenticate }: { actor: Actor; input: ProposeAndWaitInput; signal?: AbortSignal | undefined; reauthenticate: () => Promise<unknown> },
): Promise<ProposeAndWaitResult> {
  const { waitSeconds, ...proposal } = parseInput(proposeAndWaitInputSchema, input, "action");
  const lease = await beginWait(deps, { actor, reauthenticate, signal });
  try {
    const proposed = await proposeAction(deps, { actor, input: proposal });
    const settled = await settleAction(deps, { tenantId: actor.tenantId, actionId: proposed.action.id, waitSeconds, signal: lease.signal });
    lease.assertValid();
    return { ...settled, duplicate: proposed.duplicate };
  } finally {
    lease.end();
  }
}
