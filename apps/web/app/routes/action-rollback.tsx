import { useEffect, useRef } from "react";
import { Form, Link, redirect, useNavigate, useNavigation } from "react-router";

import { previewRollback, rollbackAction, rollbackActionInputSchema, type JsonValue } from "@leash/core";

import { ChangesList } from "../components/changes-list.tsx";
import { CsrfField } from "../components/csrf-field.tsx";
import { DatedText } from "../components/local-time.tsx";
import { humanize, humanLabel } from "../lib/format.ts";
import { formError } from "../lib/form-result.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formText, parseForm } from "../server/form.server.ts";
import { flashNotice } from "../server/session.server.ts";
import type { Route } from "./+types/action-rollback";

export async function loader({ request, params }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const cascade = new URL(request.url).searchParams.get("cascade") === "1";
  const preview = await loadOrFail(() => previewRollback(getDeps(), { actor, input: { actionId: Number(params.actionId), cascade } }));
  return { preview };
}

export async function action({ request, params }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const reason = formText(form, "reason")?.trim();
  const input = parseForm(rollbackActionInputSchema, {
    actionId: Number(params.actionId),
    cascade: formText(form, "cascade") === "true",
    confirm: formText(form, "confirm") === "true",
    ...(reason ? { reason } : {}),
  });
  let undoIds: number[];
  try {
    undoIds = (await rollbackAction(getDeps(), { actor: user.actor, input })).undoActions.map((undo) => undo.id);
  } catch (error) {
    return refusal(error);
  }
  const undos = undoIds.map((id) => `#${id}`).join(", ");
  const notice = `Rollback started: undo ${undoIds.length === 1 ? "action" : "actions"} ${undos} will run through the queue like any action.`;
  return redirect(`/actions/${params.actionId}`, { headers: await flashNotice(request, notice) });
}

const shown = (value: JsonValue): string | null => (value === null ? null : typeof value === "string" ? value : JSON.stringify(value));
const fieldName = (field: string) => humanize(field.replace(/^data\./, ""));

/**
 * The rollback confirmation: what will be restored (every step of a cascade) or why it cannot be
 * rolled back. Confirm is the only way through; Cancel and Escape go back and change nothing.
 */
export default function RollbackDialog({ loaderData, actionData, params }: Route.ComponentProps) {
  const { preview } = loaderData;
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLAnchorElement>(null);
  const navigate = useNavigate();
  const navigation = useNavigation();
  const back = `/actions/${params.actionId}`;
  const submitting = navigation.state === "submitting";
  const refused = formError(actionData);

  // With scripts the dialog becomes modal: focus stays inside, Escape closes it, the page behind is inert.
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (element.open) element.close();
    element.showModal();
    cancel.current?.focus();
    return () => {
      element.close();
    };
  }, []);

  return (
    <div className="dialog-backdrop">
      <dialog
        ref={dialog}
        open
        className="dialog"
        aria-labelledby="rollback-title"
        aria-describedby="rollback-summary"
        onCancel={(event) => {
          event.preventDefault();
          void navigate(back, { preventScrollReset: true, replace: true });
        }}
      >
        <h2 id="rollback-title">Roll back #{preview.actionId}?</h2>
        {preview.canRollBack ? (
          <>
            <p id="rollback-summary">
              {preview.steps.length === 1
                ? "An undo action will restore this:"
                : `${preview.steps.length} undo actions will run, newest first (the later changes first, then #${preview.actionId}):`}
            </p>
            <ol className="chain" data-testid="rollback-steps">
              {preview.steps.map((step) => (
                <li key={step.actionId}>
                  <p>
                    <Link to={`/actions/${step.actionId}`}>#{step.actionId}</Link> {humanLabel(step.actionType)}: {step.description}
                  </p>
                  <ChangesList changes={step.changes.map((change) => ({ field: fieldName(change.field), before: shown(change.current), after: shown(change.restored) }))} />
                </li>
              ))}
            </ol>
          </>
        ) : (
          <>
            <p id="rollback-summary" className="notice notice-error">
              <DatedText text={preview.refusal?.message ?? "This action cannot be rolled back."} />
            </p>
            {preview.refusal?.code === "CONFLICT" && preview.laterActionIds.length > 0 && !preview.cascade ? (
              <p>
                <Link to="?cascade=1" replace preventScrollReset>
                  Show what undoing the later changes too would restore
                </Link>
              </p>
            ) : null}
          </>
        )}
        {refused ? (
          <p className="notice notice-error" role="alert">
            {refused}
          </p>
        ) : null}
        <Form method="post" className="stack" preventScrollReset>
          <CsrfField />
          <input type="hidden" name="cascade" value={String(preview.cascade)} />
          <input type="hidden" name="confirm" value="true" />
          {preview.canRollBack ? (
            <div className="field">
              <label htmlFor="rollback-reason">Why roll back? (optional)</label>
              <input id="rollback-reason" name="reason" />
            </div>
          ) : null}
          <div className="dialog-actions">
            <Link ref={cancel} to={back} className="button" replace preventScrollReset>
              Cancel
            </Link>
            {preview.canRollBack ? (
              <button type="submit" className="button button-danger" disabled={submitting}>
                {submitting ? "Rolling back…" : preview.steps.length > 1 ? `Confirm: roll back all ${preview.steps.length}` : "Confirm rollback"}
              </button>
            ) : null}
          </div>
        </Form>
      </dialog>
    </div>
  );
}
