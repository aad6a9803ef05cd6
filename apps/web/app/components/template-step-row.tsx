import { useState } from "react";

import type { ParameterField } from "@leash/core";

import type { StepDraft } from "../lib/template-draft.ts";
import { FieldError, invalid } from "./field-error.tsx";
import { ParameterFields } from "./parameter-fields.tsx";

interface TemplateStepRowProps {
  row: number;
  step: StepDraft;
  actionTypes: readonly string[];
  targetTypes: readonly string[];
  fieldsByType: Readonly<Record<string, readonly ParameterField[]>>;
  error: (name: string) => string | undefined;
}

/**
 * One step of the template form. Its parameters are the fields of its action type: with scripts
 * they change as soon as the type does; without, saving with a changed type shows the new fields.
 */
export function TemplateStepRow({ row, step, actionTypes, targetTypes, fieldsByType, error }: TemplateStepRowProps) {
  const key = `steps.${row}`;
  const [actionType, setActionType] = useState(step.actionType);
  // Scripts swap the fields at once, so the fields shown are always the chosen type's.
  const [shownType, setShownType] = useState(step.shownType);
  const fields = fieldsByType[shownType] ?? [];
  return (
    <div className="step-row stack" data-row={key}>
      <p className="eyebrow">Step {row + 1}</p>
      <div className="row-grid">
        <div className="field">
          <label htmlFor={`${key}.actionType`}>Action</label>
          <select
            id={`${key}.actionType`}
            name={`${key}.actionType`}
            value={actionType}
            onChange={(event) => {
              setActionType(event.target.value);
              setShownType(event.target.value);
            }}
            {...invalid(`${key}.actionType`, error(`${key}.actionType`))}
          >
            <option value="">(none)</option>
            {actionTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
          <FieldError id={`${key}.actionType-error`} message={error(`${key}.actionType`)} />
        </div>
        <div className="field">
          <label htmlFor={`${key}.targetType`}>Target type</label>
          <select id={`${key}.targetType`} name={`${key}.targetType`} defaultValue={step.targetType} {...invalid(`${key}.targetType`, error(`${key}.targetType`))}>
            <option value="">(none)</option>
            {targetTypes.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
          <FieldError id={`${key}.targetType-error`} message={error(`${key}.targetType`)} />
        </div>
        <div className="field">
          <label htmlFor={`${key}.targetId`}>Target id</label>
          <input
            id={`${key}.targetId`}
            name={`${key}.targetId`}
            defaultValue={step.targetId}
            placeholder="12 or {{params.projectId}}"
            {...invalid(`${key}.targetId`, error(`${key}.targetId`))}
          />
          <FieldError id={`${key}.targetId-error`} message={error(`${key}.targetId`)} />
        </div>
      </div>
      <input type="hidden" name={`${key}.shownType`} value={shownType} readOnly />
      {shownType ? (
        <fieldset className="stack" aria-label={`Step ${row + 1} parameters`}>
          <legend className="field-label">Parameters of {shownType}</legend>
          <ParameterFields
            key={shownType}
            prefix={`${key}.p.`}
            fields={fields}
            values={step.values}
            jsonName={`${key}.parameters`}
            json={shownType === step.shownType ? step.parameters : ""}
            jsonShown={shownType === step.shownType ? step.parametersShown : ""}
            error={error}
            placeholders
          />
        </fieldset>
      ) : (
        <>
          <p className="muted small">Choose an action to fill in its parameters{actionType ? "; save to show its fields" : ""}.</p>
          <input type="hidden" name={`${key}.parameters`} value={step.parameters} readOnly />
          <input type="hidden" name={`${key}.parametersShown`} value={step.parametersShown} readOnly />
        </>
      )}
      <div className="field">
        <label htmlFor={`${key}.reason`}>Reason (optional)</label>
        <input id={`${key}.reason`} name={`${key}.reason`} defaultValue={step.reason} />
      </div>
    </div>
  );
}
