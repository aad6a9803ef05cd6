import type { ParameterDraft } from "../lib/template-draft.ts";
import { FieldError, invalid } from "./field-error.tsx";

interface TemplateParameterRowProps {
  row: number;
  parameter: ParameterDraft;
  parameterTypes: readonly string[];
  error: (name: string) => string | undefined;
}

/** One parameter of the template form, asked for when the template is run; an empty name drops the row. */
export function TemplateParameterRow({ row, parameter, parameterTypes, error }: TemplateParameterRowProps) {
  const key = `parameters.${row}`;
  return (
    <div className="row-grid row-grid-parameters" data-row={key}>
      <div className="field">
        <label htmlFor={`${key}.name`}>Parameter {row + 1} name</label>
        <input
          id={`${key}.name`}
          name={`${key}.name`}
          defaultValue={parameter.name}
          {...invalid(`${key}.name`, error(`${key}.name`))}
        />
        <FieldError id={`${key}.name-error`} message={error(`${key}.name`)} />
      </div>
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
      <div className="field">
        <label htmlFor={`${key}.default`}>Default</label>
        <input
          id={`${key}.default`}
          name={`${key}.default`}
          defaultValue={parameter.default}
          {...invalid(`${key}.default`, error(`${key}.default`))}
        />
        <FieldError id={`${key}.default-error`} message={error(`${key}.default`)} />
      </div>
      <label className="checkbox-label">
        <input type="checkbox" name={`${key}.required`} defaultChecked={parameter.required} />
        Required
      </label>
      <div className="field field-description">
        <label htmlFor={`${key}.description`}>Description (optional)</label>
        <input
          id={`${key}.description`}
          name={`${key}.description`}
          defaultValue={parameter.description}
          {...invalid(`${key}.description`, error(`${key}.description`))}
        />
        <FieldError id={`${key}.description-error`} message={error(`${key}.description`)} />
      </div>
    </div>
  );
}
