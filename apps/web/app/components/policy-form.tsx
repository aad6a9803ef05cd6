import { Form } from "react-router";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import type { Route } from "../routes/+types/policies";
import { CsrfField } from "./csrf-field.tsx";
import { FieldError, invalid } from "./field-error.tsx";

type LoaderData = Route.ComponentProps["loaderData"];

interface PolicyFormProps {
  choices: LoaderData["choices"];
  backups: LoaderData["backups"];
  /** The types that may fall back to auto-approval at expiry. */
  reversibleTypes: LoaderData["reversibleTypes"];
  /** Each wait's label, by its field's name; the server's messages about a wait start with it. */
  waitLabels: Record<"remindAfter" | "escalateAfter" | "expiresAfter", string>;
  /** The answer to this form's last post. */
  result: FormResult | undefined;
  busy: boolean;
}

function NumberField({ name, label, hint, min, max, error }: { name: string; label: string; hint: string; min: number; max?: number; error: string | undefined }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <input
        id={name}
        name={name}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        {...invalid(name, error)}
      />
      <p className="field-hint">{hint}</p>
      <FieldError id={`${name}-error`} message={error} />
    </div>
  );
}

function SelectField({
  name,
  label,
  options,
  hint,
  defaultValue,
  error,
}: {
  name: string;
  label: string;
  options: readonly { value: string; label: string }[];
  hint?: string;
  defaultValue?: string;
  error: string | undefined;
}) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <select id={name} name={name} defaultValue={defaultValue} {...invalid(name, error)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <FieldError id={`${name}-error`} message={error} />
    </div>
  );
}

/** A wait is an amount and a unit side by side; one message under both says what is wrong with it. */
function WaitField({ name, label, hint, unit, units, error }: { name: string; label: string; hint: string; unit: string; units: readonly string[]; error: string | undefined }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      <div className="duration-input">
        <input id={name} name={name} inputMode="numeric" autoComplete="off" {...invalid(name, error)} />
        <select name={`${name}Unit`} aria-label={`${label}: unit`} defaultValue={unit}>
          {units.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </div>
      <p className="field-hint">{hint}</p>
      <FieldError id={`${name}-error`} message={error} />
    </div>
  );
}

const named = (values: readonly string[]) => values.map((value) => ({ value, label: value }));

/** Sets the policy of a scope (an action type, on one target type or any), replacing the one it had. */
export function PolicyForm({ choices, backups, reversibleTypes, waitLabels, result, busy }: PolicyFormProps) {
  const error = (field: string) => fieldError(result, field);
  return (
    <Form method="post" className="card panel stack" noValidate aria-labelledby="set-heading">
      <h2 id="set-heading">Set a policy</h2>
      <p className="muted small">
        Setting a policy for a scope that has one replaces it. Actions already waiting keep the rules they
        were proposed under.
      </p>
      <CsrfField />
      <div className="form-grid">
        <SelectField name="actionType" label="Action type" options={named(choices.actionTypes)} error={error("actionType")} />
        <SelectField
          name="targetType"
          label="Target type"
          options={[{ value: "", label: "any target" }, ...named(choices.targetTypes)]}
          error={error("targetType")}
        />
        <NumberField
          name="requiredApprovals"
          label="Approvers needed"
          hint={`Distinct people, 1 to ${choices.maxRequiredApprovals}.`}
          min={1}
          max={choices.maxRequiredApprovals}
          error={error("requiredApprovals")}
        />
        <label className="checkbox-label">
          <input type="checkbox" name="separationOfDuties" defaultChecked />
          The proposer (or the owner of the proposing agent key) may not approve
        </label>
        <WaitField
          name="remindAfter"
          label={waitLabels.remindAfter}
          hint="A reminder in the approval channel; empty for none."
          unit="hours"
          units={choices.durationUnits}
          error={error("remindAfter")}
        />
        <WaitField
          name="escalateAfter"
          label={waitLabels.escalateAfter}
          hint="Asks the backup approver; empty for none."
          unit="hours"
          units={choices.durationUnits}
          error={error("escalateAfter")}
        />
        <SelectField
          name="escalateToUserId"
          label="Backup approver"
          options={[
            { value: "", label: "nobody" },
            ...backups.map((backup) => ({ value: backup.id, label: `${backup.name} (${backup.role})` })),
          ]}
          error={error("escalateToUserId")}
        />
        <WaitField
          name="expiresAfter"
          label={waitLabels.expiresAfter}
          hint="Reminder and escalation must come before it; empty for no limit."
          unit="days"
          units={choices.durationUnits}
          error={error("expiresAfter")}
        />
        <SelectField
          name="expiryFallback"
          label="At expiry"
          options={[
            { value: "reject", label: "reject it" },
            { value: "auto_approve", label: "approve it automatically" },
          ]}
          defaultValue="reject"
          hint={`Automatic approval only for types that can be rolled back: ${reversibleTypes.join(", ")}.`}
          error={error("expiryFallback")}
        />
        <NumberField
          name="autoApproveBudgetPerHour"
          label="Auto-approvals per hour at most"
          hint="Then people decide again; empty for no limit."
          min={1}
          error={error("autoApproveBudgetPerHour")}
        />
      </div>
      <div>
        <button type="submit" name="intent" value="set" className="button button-primary" disabled={busy}>
          {busy ? "Saving…" : "Save policy"}
        </button>
      </div>
    </Form>
  );
}
