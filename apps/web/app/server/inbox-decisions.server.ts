import { data } from "react-router";

import {
  actionReversibility,
  approveAction,
  approveAndTrust,
  assertCan,
  decideBatch,
  describeApprovals,
  getAction,
  isCoreError,
  rejectAction,
  SeparationOfDutiesError,
  type Actor,
  type ActionView,
} from "@leash/core";

import { plural } from "../lib/format.ts";
import type { DecisionOutcome, FormResult } from "../lib/form-result.ts";
import { refusal } from "./core-errors.server.ts";
import type { getDeps } from "./deps.server.ts";
import { formIntent, formNumber, formText } from "./form.server.ts";
import { irreversibleGuard } from "./irreversible-guard.server.ts";

type Deps = ReturnType<typeof getDeps>;

const headlineOf = (action: ActionView) => `#${action.id} (${action.actionType}${action.targetType ? ` ${action.targetType}` : ""})`;

/** Where the person can take an approval back, if the action can be undone at all: its rollback dialog, once it ran. */
const rollbackHrefOf = (action: ActionView) => (action.status !== "pending" && actionReversibility(action).reversible ? `/actions/${action.id}/rollback` : undefined);

async function decideBatchFromForm(deps: Deps, actor: Actor, form: FormData, intent: "approve-batch" | "reject-batch") {
  const batchId = formText(form, "batchId") ?? "";
  const key = `batch-${batchId}`;
  try {
    const reason = formText(form, "reason")?.trim();
    const { decided, refused, leftOut } = await decideBatch(deps, {
      actor,
      input: {
        batchId,
        decision: intent === "approve-batch" ? "approve" : "reject",
        ...(reason ? { reason } : {}),
        excludeActionIds: form.getAll("leaveOut").map((value) => Number(value)),
      },
    });
    const verb = intent === "approve-batch" ? "Approved" : "Rejected";
    const parts = [
      `${verb} ${plural(decided.length, "action")} of the batch.`,
      leftOut.length > 0 ? `Left out, still pending: ${leftOut.map((id) => `#${id}`).join(", ")}.` : "",
      ...refused.map((refused) => refused.message),
    ];
    const result: FormResult = { ok: true, form: key, message: parts.filter(Boolean).join(" ") };
    return result;
  } catch (error) {
    return refusal(error, key);
  }
}

async function decideSelected(deps: Deps, actor: Actor, form: FormData, intent: "approve-selected" | "reject-selected") {
  const ids = form.getAll("actionId").map((value) => Number(value));
  if (ids.length === 0) {
    const result: FormResult = { ok: false, status: 400, form: "bulk", error: "Select at least one action first.", fieldErrors: {} };
    return data(result, { status: 400 });
  }
  const outcomes: DecisionOutcome[] = [];
  for (const actionId of ids) {
    try {
      if (intent === "approve-selected") {
        // Select all leaves these out; a crafted or stale selection is refused here as well.
        assertCan(actor, "action.decide");
        const action = await getAction(deps, { actor, input: { actionId } });
        const reversibility = actionReversibility(action);
        if (!reversibility.reversible) {
          outcomes.push({ actionId, ok: false, message: `#${actionId} was not approved: it cannot be undone (${reversibility.explanation}), so it is approved on its own, with a confirmation` });
          continue;
        }
        const approved = await approveAction(deps, { actor, input: { actionId } });
        outcomes.push({ actionId, ok: true, message: approved.status === "pending" ? `Your approval of #${actionId} is recorded (${describeApprovals(approved.approvals)})` : `Approved #${actionId}` });
      } else {
        await rejectAction(deps, { actor, input: { actionId, reason: formText(form, "reason") ?? "" } });
        outcomes.push({ actionId, ok: true, message: `Rejected #${actionId}` });
      }
    } catch (error) {
      // A missing reason or permission fails the first action already, so nothing was decided: say so at once.
      // Separation of duties and lost races are about one action, not the person: the others are still decided.
      if (!isCoreError(error) || error.code === "INVALID" || (error.code === "FORBIDDEN" && !(error instanceof SeparationOfDutiesError))) return refusal(error, "bulk");
      outcomes.push({ actionId, ok: false, message: error.message });
    }
  }
  const decided = outcomes.filter((outcome) => outcome.ok).length;
  const verb = intent === "approve-selected" ? "Approved" : "Rejected";
  const refused = outcomes.length - decided;
  const result: FormResult = {
    ok: true,
    form: "bulk",
    message: `${decided > 0 ? `${verb} ${plural(decided, "action")}.` : `Nothing was ${verb.toLowerCase()}.`}${refused > 0 ? ` ${plural(refused, "action")} refused.` : ""}`,
    outcomes,
  };
  return result;
}

/** The inbox's form posts: one action's decision, a selection's, or a batch's. Each asks core, which decides for real. */
export async function decideFromInbox(deps: Deps, actor: Actor, form: FormData) {
  const intent = formIntent(form, ["approve", "approve-trust", "reject", "approve-selected", "reject-selected", "approve-batch", "reject-batch"]);
  if (intent === "approve-batch" || intent === "reject-batch") return decideBatchFromForm(deps, actor, form, intent);
  if (intent === "approve-selected" || intent === "reject-selected") return decideSelected(deps, actor, form, intent);

  const actionId = formNumber(form, "actionId");
  const key = `decide-${actionId}`;
  try {
    if (intent === "approve-trust") {
      const { action: approved, grant } = await approveAndTrust(deps, { actor, input: { actionId, days: formNumber(form, "days") } });
      const scope = `${grant.actionType} on ${grant.targetType ?? "any target"}`;
      const result: FormResult = {
        ok: true,
        form: key,
        message: `Approved ${headlineOf(approved)}; ${scope} from ${grant.proposer.label} is auto-approved until ${grant.expiresAt.slice(0, 16).replace("T", " ")} UTC.`,
        ...(rollbackHrefOf(approved) ? { rollbackHref: rollbackHrefOf(approved) } : {}),
      };
      return result;
    }
    if (intent === "reject") {
      const rejected = await rejectAction(deps, { actor, input: { actionId, reason: formText(form, "reason") ?? "" } });
      const result: FormResult = { ok: true, form: key, message: `Rejected ${headlineOf(rejected)}.` };
      return result;
    }
    const guard = await irreversibleGuard(deps, actor, actionId, formText(form, "confirm"), key);
    if (guard) return guard;
    const decided = await approveAction(deps, { actor, input: { actionId } });
    const verb = decided.status === "pending" ? `Your approval is recorded (${describeApprovals(decided.approvals)}) for` : "Approved";
    const href = rollbackHrefOf(decided);
    const result: FormResult = { ok: true, form: key, message: `${verb} ${headlineOf(decided)}.`, ...(href ? { rollbackHref: href } : {}) };
    return result;
  } catch (error) {
    return refusal(error, key);
  }
}
