import { Form } from "react-router";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import type { Route } from "../routes/+types/action-detail";
import type { EditedTyped } from "../server/edited-parameters.server.ts";
import { CsrfField } from "./csrf-field.tsx";
import { invalid } from "./field-error.tsx";
import { CheckIcon } from "./icons.tsx";
import { LabeledField } from "./labeled-field.tsx";
import { ParameterFields } from "./parameter-fields.tsx";

interface EditApproveFormProps {
  actionId: number;
  reversible: boolean;
  edit: Route.ComponentProps["loaderData"]["edit"];
  /** What was typed, when the last edit was refused. */
  typed: EditedTyped | undefined;
  /** Opened by the page's address (the inbox's "e"), with its first field focused. */
  editing: boolean;
  /** The answer to this form's last post. */
  result: FormResult | undefined;
  /** The last edit was refused about its fields: the form stays open to show why. */
  refused: boolean;
  busy: boolean;
}

/** "Edit parameters, then approve": the parameters' fields, and for what cannot be undone the id to type. */
export function EditApproveForm({ actionId, reversible, edit, typed, editing, result, refused, busy }: EditApproveFormProps) {
  return (
    <details className="edit-approve" open={refused || editing}>
      <summary>Edit parameters, then approve</summary>
      <Form method="post" className="stack" noValidate>
        <CsrfField />
        {edit ? <ParameterFields {...edit} {...typed} autoFocus={editing} error={(name) => fieldError(result, name)} /> : null}
        <p className="field-hint">Checked again before approving; the timeline keeps the original and your edit.</p>
        {reversible ? null : (
          <LabeledField name="edit-confirm" label={`Type ${actionId} to confirm these edits of what cannot be undone`} error={fieldError(result, "confirm")}>
            <input id="edit-confirm" name="confirm" autoComplete="off" inputMode="numeric" {...invalid("edit-confirm", fieldError(result, "confirm"))} />
          </LabeledField>
        )}
        <button type="submit" name="intent" value="approve-edited" className="button button-primary" disabled={busy}>
          <CheckIcon />
          Approve with edits
        </button>
      </Form>
    </details>
  );
}
