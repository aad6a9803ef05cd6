import { data, useNavigation } from "react-router";

import {
  actionTypeNames,
  can,
  deletePolicy,
  durationUnits,
  formatDuration,
  isReversibleType,
  listBackupApprovers,
  listPolicies,
  MAX_REQUIRED_APPROVALS,
  secondsFromDuration,
  setPolicy,
  setPolicyInputSchema,
  targetTypeSchema,
} from "@leash/core";

import { Notice } from "../components/notice.tsx";
import { PolicyForm } from "../components/policy-form.tsx";
import { PolicyTable } from "../components/policy-table.tsx";
import { resultFor, type FormResult } from "../lib/form-result.ts";
import { useConsole } from "../lib/use-console.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { checkForm, formIntent, formText } from "../server/form.server.ts";
import type { Route } from "./+types/policies";

export function meta({ matches }: Route.MetaArgs) {
  return [{ title: consoleTitle("Policies", matches) }];
}

export async function loader({ request }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const deps = getDeps();
  const policies = await loadOrFail(() => listPolicies(deps, { actor }));
  const backups = can(actor, "policy.write")
    ? await loadOrFail(() => listBackupApprovers(deps, { actor }))
    : [];
  // Which types may fall back to auto-approval at expiry, so the form can say so before it is posted.
  const reversibleTypes = actionTypeNames().filter(isReversibleType);
  // The form's choices come from core's schemas; read here, so that core stays out of the browser bundle.
  const choices = {
    actionTypes: actionTypeNames(),
    targetTypes: targetTypeSchema.options,
    maxRequiredApprovals: MAX_REQUIRED_APPROVALS,
    durationUnits: durationUnits.map((unit) => unit.unit),
  };
  // Waits read as people say them ("30 min", "4 h", "2 d"); formatted here, so that core stays out of the browser bundle.
  const waits = Object.fromEntries(
    policies.map((policy) => [
      policy.id,
      [policy.remindAfterSeconds, policy.escalateAfterSeconds, policy.expiresAfterSeconds].map((seconds) => (seconds === null ? "—" : formatDuration(seconds))),
    ]),
  );
  return { policies, backups, reversibleTypes, choices, waits };
}

/** An optional number field: empty is "not set" (null); anything else reaches core as a number, or NaN that core refuses. */
function optionalNumber(form: FormData, name: string): number | null {
  const value = formText(form, name)?.trim() ?? "";
  return value === "" ? null : Number(value);
}

/** The waits a policy sets, each asked as an amount (`remindAfter`) and a unit (`remindAfterUnit`); core takes seconds. */
const waits = { remindAfter: "Remind after", escalateAfter: "Escalate after", expiresAfter: "Expires after" } as const;

/** A wait's seconds by core's field name, or each wait's problem by the form's field name. */
function postedWaits(form: FormData) {
  const seconds: Partial<Record<`${keyof typeof waits}Seconds`, number | null>> = {};
  const fieldErrors: Record<string, string> = {};
  for (const [wait, label] of Object.entries(waits) as [keyof typeof waits, string][]) {
    const read = secondsFromDuration(formText(form, wait) ?? "", formText(form, `${wait}Unit`) ?? "");
    if (read.ok) seconds[`${wait}Seconds`] = read.seconds;
    else fieldErrors[wait] = `${label} ${read.message}`;
  }
  return { seconds, fieldErrors };
}

/** Core names a wait by its seconds (`remindAfterSeconds`); the form by its amount (`remindAfter`). */
const formField = (path: (string | number)[]) => ({ field: path.join(".").replace(/Seconds$/, "") });

export async function action({ request }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const deps = getDeps();
  const intent = formIntent(form, ["set", "delete"]);
  try {
    if (intent === "delete") {
      await deletePolicy(deps, { actor: user.actor, input: { policyId: formText(form, "policyId") ?? "" } });
      const result: FormResult = {
        ok: true,
        form: intent,
        message: "Policy deleted; its actions follow the next less specific policy, or the defaults.",
      };
      return result;
    }
    const posted = postedWaits(form);
    if (Object.keys(posted.fieldErrors).length > 0) {
      const result: FormResult = { ok: false, status: 400, form: intent, error: "Some fields are not valid.", fieldErrors: posted.fieldErrors };
      return data(result, { status: 400 });
    }
    const checked = checkForm(setPolicyInputSchema, {
      actionType: formText(form, "actionType"),
      targetType: formText(form, "targetType") || null,
      requiredApprovals: optionalNumber(form, "requiredApprovals") ?? 1,
      separationOfDuties: formText(form, "separationOfDuties") === "on",
      ...posted.seconds,
      escalateToUserId: formText(form, "escalateToUserId") || null,
      expiryFallback: formText(form, "expiryFallback"),
      autoApproveBudgetPerHour: optionalNumber(form, "autoApproveBudgetPerHour"),
    });
    if (!checked.ok) return refusal(checked.error, intent, formField);
    const saved = await setPolicy(deps, { actor: user.actor, input: checked.data });
    const result: FormResult = { ok: true, form: intent, message: `Saved: ${saved.description}.` };
    return result;
  } catch (error) {
    return refusal(error, intent, formField);
  }
}


export default function Policies({ loaderData, actionData }: Route.ComponentProps) {
  const { policies, backups, reversibleTypes, choices, waits: shownWaits } = loaderData;
  const { permissions } = useConsole();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Policies</h1>
          <p className="muted">
            How people decide on what agents propose: how many distinct approvers, whether the proposer may
            approve, and time limits. Without a policy an action needs one approver, who may not be the one
            who proposed it. A policy for one target type wins over the one for any target.
            {permissions.writePolicies ? "" : " Only admins can change these."}
          </p>
        </div>
      </header>
      <Notice result={actionData} />

      <section className="card panel" aria-labelledby="policies-heading">
        <h2 id="policies-heading">In force</h2>
        {policies.length === 0 ? (
          <p>No policies: every action needs one approver, who may not be its proposer.</p>
        ) : (
          <PolicyTable policies={policies} waits={shownWaits} canDelete={permissions.writePolicies} busy={busy} />
        )}
      </section>

      {permissions.writePolicies ? (
        <PolicyForm
          choices={choices}
          backups={backups}
          reversibleTypes={reversibleTypes}
          waitLabels={waits}
          result={resultFor(actionData, "set")}
          busy={busy}
        />
      ) : null}
    </div>
  );
}
