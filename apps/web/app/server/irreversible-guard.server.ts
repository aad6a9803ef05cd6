import { data } from "react-router";

import { actionReversibility, assertCan, getAction, irreversibleApprovalRefusal, type Actor } from "@leash/core";

import type { FormResult } from "../lib/form-result.ts";
import type { getDeps } from "./deps.server.ts";

/**
 * Core's rule for approving what cannot be undone, asked before a console approval: null when the
 * approval may go ahead; otherwise the refusal, shown under the `confirm` field of the form `form`.
 */
export async function irreversibleGuard(deps: ReturnType<typeof getDeps>, actor: Actor, actionId: number, confirm: string | undefined, form: string) {
  // Who may not decide at all hears that first, whatever the id: reading the action would answer "not found" for another tenant's.
  assertCan(actor, "action.decide");
  const action = await getAction(deps, { actor, input: { actionId } });
  const message = irreversibleApprovalRefusal(actionReversibility(action), actionId, confirm);
  if (message === null) return null;
  const result: FormResult = { ok: false, status: 400, form, error: message, fieldErrors: { confirm: message } };
  return data(result, { status: 400 });
}
