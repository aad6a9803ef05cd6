import type { ParameterDraft } from "../lib/template-draft.ts";
import { invalid } from "./field-error.tsx";
import { LabeledField } from "./labeled-field.tsx";

interface TemplateParameterRowProps {
  row: number;
  parameter: ParameterDraft;
  parameterTypes: readonly string[];
  error: (name: string) => string | undefined;
}

/** One parameter of the template form, asked for when the template is run; an empty name drops the row. */
export function TemplateParameterRow({ row, parameter, parameterTypes, error }: TemplateParameterRowProps) {
  const key = `parameters.${row}`;
  const text = (field: "name" | "default" | "description", label: string, className?: string) => {
    const name = `${key}.${field}`;
    return (
      <LabeledField name={name} label={label} error={error(name)} {...(className ? { className } : {})}>
        <input id={name} name={name} defaultValue={parameter[field]} {...invalid(name, error(name))} />
      </LabeledField>
    );
  };
  return (
    <div className="row-grid row-grid-parameters" data-row={key}>
      {text("name", `Parameter ${row + 1} name`)}
      <div className="field">
        <label htmlFor={`${key}.type`}>Type</label>
        <select id={`${key}.type`} name={`${key}.type`} defaultValue={parameter.type}>
          {parameterTypes.map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </div>
      {text("default", "Default")}
      <label className="checkbox-label">
        <input type="checkbox" name={`${key}.required`} defaultChecked={parameter.required} />
        Required
      </label>
      {text("description", "Description (optional)", "field-description")}
    </div>
  );
}
