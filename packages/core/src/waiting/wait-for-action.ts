import type { Actor } from "../actor.ts";
import { assertCan } from "../authorization.ts";
import { parseInput } from "../validation.ts";
import { beginWait } from "./begin-wait.ts";
import { settleAction, type WaitDeps } from "./settle-action.ts";
import { decodeWaitCursor, waitForActionInputSchema, type ActionWait, type WaitForActionInput } from "./wait-inputs.ts";

/**
 * Waits, at most `waitSeconds`, for an action to end (executed, rejected, failed, cancelled); an
 * agent calls it again with the answer's cursor until `done`, so it can wait hours for a person
 * with one request per 25 s and no polling of its own.
 */
export async function waitForAction(
  deps: WaitDeps,
  { actor, input, signal, reauthenticate }: { actor: Actor; input: WaitForActionInput; signal?: AbortSignal | undefined; reauthenticate: () => Promise<unknown> },
): Promise<ActionWait> {
  assertCan(actor, "action.read");
  const { actionId, cursor, waitSeconds } = parseInput(waitForActionInputSchema, input, "wait");
  const id = actionId ?? decodeWaitCursor(cursor ?? "");
  const lease = await beginWait(deps, { actor, reauthenticate, signal });
  try {
    const settled = await settleAction(deps, { tenantId: actor.tenantId, actionId: id, waitSeconds, signal: lease.signal });
    lease.assertValid();
    return settled;
  } finally {
    lease.end();
  }
}
