import { data, Form, useNavigation } from "react-router";

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

import { CsrfField } from "../components/csrf-field.tsx";
import { FieldError, invalid } from "../components/field-error.tsx";
import { Notice } from "../components/notice.tsx";
import { capitalize } from "../lib/format.ts";
import { fieldError, resultFor, type FormResult } from "../lib/form-result.ts";
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
  const posted = resultFor(actionData, "set");
  const error = (field: string) => fieldError(posted, field);
  const numberField = (name: string, label: string, hint: string, extra: { min: number; max?: number }) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        type="number"
        inputMode="numeric"
        min={extra.min}
        max={extra.max}
        {...invalid(name, error(name))}
      />
      <p className="field-hint">{hint}</p>
      <FieldError id={`${name}-error`} message={error(name)} />
    </div>
  );

  const selectField = (
    name: string,
    label: string,
    options: readonly { value: string; label: string }[],
    extra: { hint?: string; defaultValue?: string } = {},
  ) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={extra.defaultValue} {...invalid(name, error(name))}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {extra.hint ? <p className="field-hint">{extra.hint}</p> : null}
      <FieldError id={`${name}-error`} message={error(name)} />
    </div>
  );
  const named = (values: readonly string[]) => values.map((value) => ({ value, label: value }));
  // A wait is an amount and a unit side by side; one message under both says what is wrong with it.
  const waitField = (name: string, label: string, hint: string, unit: string) => (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <div className="duration-input">
        <input id={name} name={name} inputMode="numeric" autoComplete="off" {...invalid(name, error(name))} />
        <select name={`${name}Unit`} aria-label={`${label}: unit`} defaultValue={unit}>
          {choices.durationUnits.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </div>
      <p className="field-hint">{hint}</p>
      <FieldError id={`${name}-error`} message={error(name)} />
    </div>
  );

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
          <div className="table-wrap">
            <table className="table" data-testid="policies">
              <caption className="visually-hidden">Approval policies</caption>
              <thead>
                <tr>
                  <th scope="col">Scope</th>
                  <th scope="col">Approvers</th>
                  <th scope="col">Proposer may approve</th>
                  <th scope="col">Reminder / escalation / expiry</th>
                  <th scope="col">What it means</th>
                  {permissions.writePolicies ? <th scope="col">Remove</th> : null}
                </tr>
              </thead>
              <tbody>
                {policies.map((policy) => (
                  <tr key={policy.id}>
                    <th scope="row">
                      {policy.actionType} on {policy.targetType ?? "any target"}
                    </th>
                    <td>{policy.requiredApprovals}</td>
                    <td>{policy.separationOfDuties ? "No" : "Yes"}</td>
                    <td>
                      {shownWaits[policy.id]?.[0]} / {shownWaits[policy.id]?.[1]}
                      {policy.escalateTo ? ` to ${policy.escalateTo.name}` : ""} /{" "}
                      {shownWaits[policy.id]?.[2]}
                      {policy.expiresAfterSeconds !== null
                        ? ` then ${policy.expiryFallback === "auto_approve" ? "auto-approve" : "reject"}`
                        : ""}
                    </td>
                    <td>{capitalize(policy.description)}.</td>
                    {permissions.writePolicies ? (
                      <td>
                        <Form method="post" className="inline-form">
                          <CsrfField />
                          <input type="hidden" name="policyId" value={policy.id} />
                          <button
                            type="submit"
                            name="intent"
                            value="delete"
                            className="button button-danger-outline button-small"
                            disabled={busy}
                          >
                            Delete
                          </button>
                        </Form>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {permissions.writePolicies ? (
        <Form method="post" className="card panel stack" noValidate aria-labelledby="set-heading">
          <h2 id="set-heading">Set a policy</h2>
          <p className="muted small">
            Setting a policy for a scope that has one replaces it. Actions already waiting keep the rules they
            were proposed under.
          </p>
          <CsrfField />
          <div className="form-grid">
            {selectField("actionType", "Action type", named(choices.actionTypes))}
            {selectField("targetType", "Target type", [
              { value: "", label: "any target" },
              ...named(choices.targetTypes),
            ])}
            {numberField(
              "requiredApprovals",
              "Approvers needed",
              `Distinct people, 1 to ${choices.maxRequiredApprovals}.`,
              { min: 1, max: choices.maxRequiredApprovals },
            )}
            <label className="checkbox-label">
              <input type="checkbox" name="separationOfDuties" defaultChecked />
              The proposer (or the owner of the proposing agent key) may not approve
            </label>
            {waitField("remindAfter", waits.remindAfter, "A reminder in the approval channel; empty for none.", "hours")}
            {waitField("escalateAfter", waits.escalateAfter, "Asks the backup approver; empty for none.", "hours")}
            {selectField("escalateToUserId", "Backup approver", [
              { value: "", label: "nobody" },
              ...backups.map((backup) => ({ value: backup.id, label: `${backup.name} (${backup.role})` })),
            ])}
            {waitField("expiresAfter", waits.expiresAfter, "Reminder and escalation must come before it; empty for no limit.", "days")}
            {selectField(
              "expiryFallback",
              "At expiry",
              [
                { value: "reject", label: "reject it" },
                { value: "auto_approve", label: "approve it automatically" },
              ],
              {
                defaultValue: "reject",
                hint: `Automatic approval only for types that can be rolled back: ${reversibleTypes.join(", ")}.`,
              },
            )}
            {numberField(
              "autoApproveBudgetPerHour",
              "Auto-approvals per hour at most",
              "Then people decide again; empty for no limit.",
              { min: 1 },
            )}
          </div>
          <div>
            <button type="submit" name="intent" value="set" className="button button-primary" disabled={busy}>
              {busy ? "Saving…" : "Save policy"}
            </button>
          </div>
        </Form>
      ) : null}
    </div>
  );
}
