import { useState } from "react";

import type { ParameterField } from "@leash/core";

import { FieldError, invalid } from "./field-error.tsx";
import { LabeledField } from "./labeled-field.tsx";

interface ParameterFieldsProps {
  /** Put before every field's name (`p.`, `steps.0.p.`); the form's own fields keep theirs apart. */
  prefix: string;
  fields: readonly ParameterField[];
  /** Each field's text by its path (`title`, `data.0.key`), as `parameterFormValues` gives them or as posted. */
  values: Readonly<Record<string, string>>;
  /** The name of the JSON text area of the advanced view. */
  jsonName: string;
  json: string;
  /** The JSON as the page first showed it: the server reads the fields unless the JSON was changed from this. */
  jsonShown: string;
  /** The message core gave for a field, by its posted name (the parameters as a whole: the prefix without its dot). */
  error: (name: string) => string | undefined;
  /** Whether a field may hold a template placeholder such as `{{params.projectId}}` (template steps). */
  placeholders?: boolean;
  /** Focus the first field (the inbox's "e" opens the edit form to type in at once). */
  autoFocus?: boolean;
}

const optional = (field: ParameterField) => (field.required ? field.label : `${field.label} (optional)`);

function hintOf(field: ParameterField, placeholders: boolean): string | undefined {
  const parts = [field.description];
  if ((field.kind === "number" || field.kind === "integer") && (field.min !== undefined || field.max !== undefined)) {
    parts.push(`${field.kind === "integer" ? "A whole number" : "A number"}${field.min !== undefined ? ` from ${field.min}` : ""}${field.max !== undefined ? ` up to ${field.max}` : ""}`);
  }
  if (field.kind === "text" && field.format === "date-time") parts.push("A date and time with its offset, e.g. 2027-01-31T09:00:00Z");
  if (field.kind === "list") parts.push("One per line");
  if (placeholders && (field.kind === "number" || field.kind === "integer")) parts.push("or a placeholder");
  const hint = parts.filter(Boolean).join(". ");
  return hint ? hint.charAt(0).toUpperCase() + hint.slice(1) : undefined;
}

/** The rows a key-value field posted or was given (`data.3.key` -> 3), plus one blank row to fill in. */
function initialRows(path: string, values: Readonly<Record<string, string>>): number[] {
  const pattern = new RegExp(`^${path.replaceAll(".", "\\.")}\\.(\\d+)\\.(?:key|value)$`);
  const rows = new Set<number>();
  for (const key of Object.keys(values)) {
    const row = pattern.exec(key)?.[1];
    if (row !== undefined) rows.add(Number(row));
  }
  const sorted = [...rows].sort((a, b) => a - b);
  return [...sorted, (sorted.at(-1) ?? -1) + 1];
}

/** Names and values (an item's data): without scripts one blank row is always there; with them rows are added and removed. */
function KeyValueRows({ field, name, path, values, error, autoFocus }: { field: ParameterField; name: string; path: string; values: Readonly<Record<string, string>>; error: string | undefined; autoFocus: boolean }) {
  const [rows, setRows] = useState(() => initialRows(path, values));
  return (
    <fieldset className="key-value" aria-describedby={error ? `${name}-error` : undefined}>
      <legend className="field-label">{optional(field)}</legend>
      {field.description ? <p className="field-hint">{field.description.charAt(0).toUpperCase() + field.description.slice(1)}</p> : null}
      {rows.map((row, index) => (
        <div key={row} className="key-value-row">
          <div className="field">
            <label htmlFor={`${name}.${row}.key`}>Name {index + 1}</label>
            <input id={`${name}.${row}.key`} name={`${name}.${row}.key`} defaultValue={values[`${path}.${row}.key`] ?? ""} autoComplete="off" autoFocus={autoFocus && index === 0} />
          </div>
          <div className="field">
            <label htmlFor={`${name}.${row}.value`}>Value {index + 1}</label>
            <input id={`${name}.${row}.value`} name={`${name}.${row}.value`} defaultValue={values[`${path}.${row}.value`] ?? ""} autoComplete="off" />
          </div>
          <button type="button" className="button button-ghost button-small js-only" onClick={() => setRows((current) => current.filter((kept) => kept !== row))}>
            Remove
          </button>
        </div>
      ))}
      <p className="field-hint">Empty a row's name and value to remove it; null as a value clears the field.</p>
      <button type="button" className="button button-ghost button-small js-only" onClick={() => setRows((current) => [...current, (current.at(-1) ?? -1) + 1])}>
        + Add a row
      </button>
      <FieldError id={`${name}-error`} message={error} />
    </fieldset>
  );
}

interface FieldInputProps {
  field: ParameterField;
  prefix: string;
  values: Readonly<Record<string, string>>;
  error: ParameterFieldsProps["error"];
  placeholders: boolean;
  autoFocus: boolean;
}

function FieldInput({ field, prefix, values, error, placeholders, autoFocus }: FieldInputProps) {
  const path = field.path.join(".");
  const name = `${prefix}${path}`;
  const message = error(name);
  const value = values[path] ?? "";
  const hint = hintOf(field, placeholders);
  switch (field.kind) {
    case "object":
      return (
        <fieldset className="stack">
          <legend className="field-label">{optional(field)}</legend>
          {field.fields.map((nested, index) => (
            <FieldInput key={nested.path.join(".")} field={nested} prefix={prefix} values={values} error={error} placeholders={placeholders} autoFocus={autoFocus && index === 0} />
          ))}
        </fieldset>
      );
    case "map":
      return <KeyValueRows field={field} name={name} path={path} values={values} error={message} autoFocus={autoFocus} />;
    case "boolean":
      return (
        <div className="field">
          <label className="checkbox-label">
            <input type="checkbox" id={name} name={name} defaultChecked={value === "on"} autoFocus={autoFocus} {...invalid(name, message)} />
            {field.label}
          </label>
          {hint ? <p className="field-hint">{hint}</p> : null}
          <FieldError id={`${name}-error`} message={message} />
        </div>
      );
    case "choice": {
      // A value the options do not hold (a placeholder) stays selectable, so saving keeps it.
      const options = value && !field.options.some((option) => option.value === value) ? [...field.options, { value, label: value }] : field.options;
      return (
        <LabeledField name={name} label={optional(field)} hint={hint} error={message}>
          <select id={name} name={name} defaultValue={value} autoFocus={autoFocus} {...invalid(name, message)}>
            {field.required && value !== "" ? null : <option value="">{field.required ? "(choose)" : "(none)"}</option>}
            {options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </LabeledField>
      );
    }
    case "long_text":
    case "list":
    case "json":
      return (
        <LabeledField name={name} label={optional(field)} hint={hint} error={message}>
          <textarea id={name} name={name} rows={field.kind === "long_text" ? 3 : 4} className={field.kind === "json" ? "code-input" : undefined} defaultValue={value} autoFocus={autoFocus} {...invalid(name, message)} />
        </LabeledField>
      );
    case "number":
    case "integer":
      // Text, not type=number: a browser would drop a placeholder or a typo silently instead of letting core name it.
      return (
        <LabeledField name={name} label={optional(field)} hint={hint} error={message}>
          <input id={name} name={name} inputMode={field.kind === "integer" ? "numeric" : "decimal"} autoComplete="off" defaultValue={value} autoFocus={autoFocus} {...invalid(name, message)} />
        </LabeledField>
      );
    default:
      return (
        <LabeledField name={name} label={optional(field)} hint={hint} error={message}>
          <input id={name} name={name} maxLength={field.maxLength} autoComplete="off" defaultValue={value} autoFocus={autoFocus} {...invalid(name, message)} />
        </LabeledField>
      );
  }
}

/**
 * An action's parameters as a form built from its type's schema, with the JSON as an advanced view.
 * Both are posted: the server reads the JSON only when it differs from what was shown.
 */
export function ParameterFields({ prefix, fields, values, jsonName, json, jsonShown, error, placeholders = false, autoFocus = false }: ParameterFieldsProps) {
  // An issue about the parameters as a whole is filed under the prefix without its dot (`p`, `steps.0.p`).
  const wholeName = prefix.replace(/\.$/, "");
  const whole = error(wholeName);
  const jsonError = error(jsonName);
  return (
    <div className="parameter-fields stack">
      <FieldError id={`${wholeName}-error`} message={whole} />
      {fields.map((field, index) => (
        <FieldInput key={field.path.join(".")} field={field} prefix={prefix} values={values} error={error} placeholders={placeholders} autoFocus={autoFocus && index === 0} />
      ))}
      <details className="edit-approve" open={fields.length === 0 || jsonError !== undefined || json !== jsonShown}>
        <summary>Advanced: edit as JSON</summary>
        <div className="field">
          <label htmlFor={jsonName}>Parameters (JSON)</label>
          <textarea id={jsonName} name={jsonName} rows={6} className="code-input" defaultValue={json} autoFocus={autoFocus && fields.length === 0} {...invalid(jsonName, jsonError)} />
          <p className="field-hint">Used instead of the fields above once you change it.</p>
          <FieldError id={`${jsonName}-error`} message={jsonError} />
        </div>
        <input type="hidden" name={`${jsonName}Shown`} value={jsonShown} readOnly />
      </details>
    </div>
  );
}
