import { Form } from "react-router";

import type { FormResult } from "../lib/form-result.ts";
import type { Route } from "../routes/+types/action-detail";
import type { EditedTyped } from "../server/edited-parameters.server.ts";
import { CsrfField } from "./csrf-field.tsx";
import { EditApproveForm } from "./edit-approve-form.tsx";
import { CheckIcon, CrossIcon } from "./icons.tsx";
import { IrreversibleApproveForm } from "./irreversible-approve-form.tsx";

interface ActionDecisionFormsProps {
  actionId: number;
  reversible: boolean;
  edit: Route.ComponentProps["loaderData"]["edit"];
  typed: EditedTyped | undefined;
  editing: boolean;
  editResult: FormResult | undefined;
  editRefused: boolean;
  /** What the last approval said about the typed id, if it was refused. */
  confirmError: string | undefined;
  /** What the last rejection said about its reason, if it was refused. */
  rejectError: string | undefined;
  busy: boolean;
}

/** Approve (as is, or edited), or reject with a reason. */
export function ActionDecisionForms({ actionId, reversible, edit, typed, editing, editResult, editRefused, confirmError, rejectError, busy }: ActionDecisionFormsProps) {
  return (
    <>
      {reversible ? (
        <Form method="post">
          <CsrfField />
          <button type="submit" name="intent" value="approve" className="button button-primary" disabled={busy}>
            <CheckIcon />
            Approve
          </button>
        </Form>
      ) : (
        <IrreversibleApproveForm actionId={actionId} form={Form} inputId="approve-confirm" error={confirmError} busy={busy} />
      )}
      <EditApproveForm actionId={actionId} reversible={reversible} edit={edit} typed={typed} editing={editing} result={editResult} refused={editRefused} busy={busy} />
      <Form method="post" className="stack" noValidate>
        <CsrfField />
        <div className="field">
          <label htmlFor="reject-reason">Why reject?</label>
          <textarea
            id="reject-reason"
            name="reason"
            rows={2}
            aria-invalid={rejectError ? true : undefined}
            aria-describedby={rejectError ? "reject-reason-error" : undefined}
          />
          {rejectError ? (
            <p className="field-error" id="reject-reason-error">
              {rejectError}
            </p>
          ) : null}
        </div>
        <button type="submit" name="intent" value="reject" className="button button-danger-outline" disabled={busy}>
          <CrossIcon />
          Reject
        </button>
      </Form>
    </>
  );
}
