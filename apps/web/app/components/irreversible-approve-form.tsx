import type { ComponentType } from "react";
import type { FetcherFormProps } from "react-router";

import { CsrfField } from "./csrf-field.tsx";
import { CheckIcon } from "./icons.tsx";

interface IrreversibleApproveFormProps {
  actionId: number;
  /** The form that posts it: the page's own `Form`, or a fetcher's when the answer becomes a toast. */
  form: ComponentType<FetcherFormProps>;
  /** The confirmation field's id (the inbox focuses it by id when "a" is pressed). */
  inputId: string;
  /** What the last post said about the confirmation, if it was refused. */
  error: string | undefined;
  busy: boolean;
}

/**
 * Approve for what cannot be undone: core refuses it until the action's id is typed, so the field
 * and a danger button stand where a one-click Approve would be (the same in the inbox and on the
 * action's page).
 */
export function IrreversibleApproveForm({ actionId, form: PostForm, inputId, error, busy }: IrreversibleApproveFormProps) {
  const errorId = `${inputId}-error`;
  return (
    <PostForm method="post" className="confirm-form" noValidate>
      <CsrfField />
      <input type="hidden" name="intent" value="approve" />
      <input type="hidden" name="actionId" value={actionId} />
      <div className="field">
        <label htmlFor={inputId}>Type {actionId} to approve what cannot be undone</label>
        <input id={inputId} name="confirm" autoComplete="off" inputMode="numeric" aria-invalid={error ? true : undefined} aria-describedby={error ? errorId : undefined} />
        {error ? (
          <p className="field-error" id={errorId}>
            {error}
          </p>
        ) : null}
      </div>
      <button type="submit" className="button button-danger" disabled={busy}>
        <CheckIcon />
        Approve #{actionId} for good
      </button>
    </PostForm>
  );
}
