import { data, Form, Link, Outlet, useNavigation, useSearchParams } from "react-router";

import { approveAction, can, canTransition, cancelAction, describeApprovals, getAction, loadItemFacts, presentAction, rejectAction, type ActionView } from "@leash/core";

import { ChangesList, DetailsList } from "../components/changes-list.tsx";
import { CsrfField } from "../components/csrf-field.tsx";
import { CheckIcon, CrossIcon, UndoIcon } from "../components/icons.tsx";
import { IrreversibleApproveForm } from "../components/irreversible-approve-form.tsx";
import { DatedText, LocalTime } from "../components/local-time.tsx";
import { invalid } from "../components/field-error.tsx";
import { LabeledField } from "../components/labeled-field.tsx";
import { Notice } from "../components/notice.tsx";
import { ParameterFields } from "../components/parameter-fields.tsx";
import { StatusBadge } from "../components/status-badge.tsx";
import { Timeline } from "../components/timeline.tsx";
import { executedChanges } from "../lib/executed-changes.ts";
import { capitalize, humanize, humanLabel, prettyJson } from "../lib/format.ts";
import { fieldError, resultFor, type FormResult } from "../lib/form-result.ts";
import { consoleTitle } from "../lib/console-title.ts";
import { requireMutation, requireUser } from "../server/auth.server.ts";
import { loadOrFail, refusal } from "../server/core-errors.server.ts";
import { getDeps } from "../server/deps.server.ts";
import { formIntent, formText } from "../server/form.server.ts";
import { irreversibleGuard } from "../server/irreversible-guard.server.ts";
import { approveEdited, editForm, type EditedTyped } from "../server/edited-parameters.server.ts";
import { takeNotice } from "../server/session.server.ts";
import type { Route } from "./+types/action-detail";

export function meta({ params, matches }: Route.MetaArgs) {
  return [{ title: consoleTitle(`Action #${params.actionId}`, matches) }];
}

export async function loader({ request, params }: Route.LoaderArgs) {
  const { actor } = await requireUser(request);
  const deps = getDeps();
  const action = await loadOrFail(() => getAction(deps, { actor, input: { actionId: Number(params.actionId) } }));
  const facts = await loadItemFacts(deps.db, actor.tenantId, [action]);
  // Once it ran, the action reads as the change it made from what it found, like its Slack card.
  const presentation = presentAction(action, facts);
  const { notice, headers } = await takeNotice(request);
  const proposedByMe = action.proposedBy.kind === "user" && action.proposedBy.id === actor.userId;
  return data(
    {
      action,
      presentation,
      approvals: action.status === "pending" && (action.approvals.required > 1 || action.approvals.count > 0) ? describeApprovals(action.approvals) : null,
      changes: executedChanges(action) ?? presentation.changes,
      notice,
      // The form of "Edit parameters, then approve", built from the type's schema.
      edit: can(actor, "action.decide") && action.status === "pending" ? editForm(action) : null,
      show: {
        decide: can(actor, "action.decide") && action.status === "pending",
        cancel: canTransition(action.status, "cancelled") && (can(actor, "action.cancel_any") || proposedByMe),
        // An undo is not rolled back itself (core refuses): the change is proposed again instead.
        rollback: can(actor, "action.roll_back") && action.status === "executed" && action.rollbackActionId === null && action.rollbackOfId === null,
      },
    },
    headers ? { headers } : undefined,
  );
}

export async function action({ request, params }: Route.ActionArgs) {
  const { user, form } = await requireMutation(request);
  const { actor } = user;
  const deps = getDeps();
  const intent = formIntent(form, ["approve", "approve-edited", "reject", "cancel"]);
  const actionId = Number(params.actionId);
  const reason = formText(form, "reason");
  try {
    if (intent === "approve") {
      const guard = await irreversibleGuard(deps, actor, actionId, formText(form, "confirm"), intent);
      if (guard) return guard;
      return approved(await approveAction(deps, { actor, input: { actionId } }), intent);
    }
    if (intent === "approve-edited") {
      const guard = await irreversibleGuard(deps, actor, actionId, formText(form, "confirm"), intent);
      if (guard) return guard;
      const edited = await approveEdited(deps, actor, actionId, form);
      return "action" in edited ? approved(edited.action, intent) : edited;
    }
    if (intent === "reject") {
      await rejectAction(deps, { actor, input: { actionId, reason: reason ?? "" } });
      return ok(`Rejected #${actionId}.`, intent);
    }
    await cancelAction(deps, { actor, input: { actionId, ...(reason?.trim() ? { reason } : {}) } });
    return ok(`Cancelled #${actionId}; it will not run.`, intent);
  } catch (error) {
    return refusal(error, intent);
  }
}

function ok(message: string, form: string): FormResult {
  return { ok: true, message, form };
}

/** A quorum's answer says how far it got: "1 of 2 approvals", or that it is queued. */
function approved(action: ActionView, form: string): FormResult {
  return action.status === "pending"
    ? ok(`Your approval of #${action.id} is recorded: ${describeApprovals(action.approvals)}; it runs once the rest approve.`, form)
    : ok(`Approved #${action.id}; it is queued to run.`, form);
}

const hasValue = (value: unknown) => value !== null && !(typeof value === "object" && Object.keys(value).length === 0);

export default function ActionDetail({ loaderData, actionData }: Route.ComponentProps) {
  const { action, presentation, approvals, changes, notice, edit, show } = loaderData;
  const navigation = useNavigation();
  // The inbox's "e" (edit and approve) opens this page with the parameters' form open.
  const [searchParams] = useSearchParams();
  const editing = searchParams.has("edit");
  const posting = navigation.state === "submitting" ? navigation.formData?.get("intent") : undefined;
  const rejectError = fieldError(resultFor(actionData, "reject"), "reason");
  const confirmError = fieldError(resultFor(actionData, "approve"), "confirm");
  const editResult = resultFor(actionData, "approve-edited");
  // A refused edit shows under its fields, with what was typed; a refusal about no field is announced.
  const editRefused = editResult !== undefined && !editResult.ok && Object.keys(editResult.fieldErrors).length > 0;
  // Only a refused edit answers with what was typed (React Router types the other answers' lack of it as unknown).
  const typed = actionData && "typed" in actionData ? (actionData.typed as EditedTyped) : undefined;
  const announced: FormResult | undefined = (rejectError || confirmError || editRefused ? undefined : actionData) ?? (notice ? { ok: true, message: notice } : undefined);
  const target = presentation.target;

  return (
    <div className="page">
      <header className="detail-header">
        <nav className="breadcrumbs" aria-label="Breadcrumbs">
          <Link to="/history">History</Link>
          <span aria-hidden="true">/</span>
          <span aria-current="page">#{action.id}</span>
        </nav>
        <div className="detail-title">
          <h1>
            #{action.id} · <DatedText text={capitalize(presentation.headline)} />
          </h1>
          <div role="status" aria-live="polite" aria-label="Status" data-testid="action-status">
            {action.rollbackOfId !== null ? <span className="badge badge-rolled-back">Undo</span> : null}{" "}
            <StatusBadge status={action.status} rolledBack={action.rolledBackAt !== null} />
          </div>
        </div>
        <p className="meta">
          Proposed by <strong>{action.proposedBy.label}</strong> on <LocalTime value={action.createdAt} />
          {action.decidedBy ? (
            <>
              {" "}
              · {action.status === "rejected" ? "rejected" : "approved"} by <strong>{action.decidedBy}</strong>
            </>
          ) : action.requiresApproval ? null : (
            " · approved automatically"
          )}
        </p>
        {approvals !== null ? (
          <p className="meta" data-testid="approvals">
            <strong>{approvals}</strong>
            {action.approvals.approvers.length > 0 ? ` · approved by ${action.approvals.approvers.map((approver) => approver.label).join(", ")}` : ""}
          </p>
        ) : null}
        {action.reason ? <blockquote className="reason">“{action.reason}”</blockquote> : null}
      </header>

      <Notice result={announced} />

      <div className="detail-grid">
        <div className="detail-main">
          <section className="card panel" aria-labelledby="changes-heading">
            <h2 id="changes-heading">Changes</h2>
            {changes.length > 0 ? (
              <ChangesList changes={changes} />
            ) : presentation.details.length === 0 ? (
              <p className="muted">This action changes no item fields.</p>
            ) : null}
            <DetailsList details={presentation.details} code={presentation.code} />
            <p className="muted small">
              {action.executedAt ? "What the action changed when it ran." : "What the action will change, compared with the item as it is now."}{" "}
              Reversible: {presentation.reversible.reversible ? "yes" : "no"}
              {presentation.reversible.until ? (
                <>
                  , until <LocalTime value={presentation.reversible.until} />
                </>
              ) : null}{" "}
              ({presentation.reversible.explanation}).
            </p>
          </section>

          <section className="card panel" aria-labelledby="parameters-heading">
            <h2 id="parameters-heading">Parameters</h2>
            <pre className="code-block">
              <code>{prettyJson(action.parameters)}</code>
            </pre>
            {action.originalParameters !== null ? (
              <>
                <h3 className="small">As proposed, before an approver edited them</h3>
                <pre className="code-block">
                  <code>{prettyJson(action.originalParameters)}</code>
                </pre>
              </>
            ) : null}
          </section>

          {hasValue(action.result) || action.errorMessage ? (
            <section className="card panel" aria-labelledby="result-heading">
              <h2 id="result-heading">Result</h2>
              {action.errorMessage ? (
                <p className="notice notice-error">
                  {action.status === "failed" ? "Failed: " : "Last error: "}
                  {action.errorMessage}
                </p>
              ) : null}
              {hasValue(action.result) ? (
                <pre className="code-block">
                  <code>{prettyJson(action.result)}</code>
                </pre>
              ) : null}
            </section>
          ) : null}

          <section className="card panel" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">Timeline</h2>
            <Timeline events={action.timeline} />
          </section>
        </div>

        <aside className="detail-side">
          {show.decide || show.cancel || show.rollback ? (
            <section className="card panel" aria-labelledby="decide-heading">
              <h2 id="decide-heading">{show.decide ? "Decide" : "Actions"}</h2>
              <div className="side-actions">
                {show.decide ? (
                  <>
                    {presentation.reversible.reversible ? (
                      <Form method="post">
                        <CsrfField />
                        <button type="submit" name="intent" value="approve" className="button button-primary" disabled={posting !== undefined}>
                          <CheckIcon />
                          Approve
                        </button>
                      </Form>
                    ) : (
                      <IrreversibleApproveForm actionId={action.id} form={Form} inputId="approve-confirm" error={confirmError} busy={posting !== undefined} />
                    )}
                    <details className="edit-approve" open={editRefused || editing}>
                      <summary>Edit parameters, then approve</summary>
                      <Form method="post" className="stack" noValidate>
                        <CsrfField />
                        {edit ? <ParameterFields {...edit} {...typed} autoFocus={editing} error={(name) => fieldError(editResult, name)} /> : null}
                        <p className="field-hint">Checked again before approving; the timeline keeps the original and your edit.</p>
                        {presentation.reversible.reversible ? null : (
                          <LabeledField name="edit-confirm" label={`Type ${action.id} to confirm these edits of what cannot be undone`} error={fieldError(editResult, "confirm")}>
                            <input id="edit-confirm" name="confirm" autoComplete="off" inputMode="numeric" {...invalid("edit-confirm", fieldError(editResult, "confirm"))} />
                          </LabeledField>
                        )}
                        <button type="submit" name="intent" value="approve-edited" className="button button-primary" disabled={posting !== undefined}>
                          <CheckIcon />
                          Approve with edits
                        </button>
                      </Form>
                    </details>
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
                      <button type="submit" name="intent" value="reject" className="button button-danger-outline" disabled={posting !== undefined}>
                        <CrossIcon />
                        Reject
                      </button>
                    </Form>
                  </>
                ) : null}
                {show.cancel ? (
                  <Form method="post" className="stack">
                    <CsrfField />
                    <div className="field">
                      <label htmlFor="cancel-reason">Why cancel? (optional)</label>
                      <input id="cancel-reason" name="reason" />
                    </div>
                    <button type="submit" name="intent" value="cancel" className="button button-danger-outline" disabled={posting === "cancel"}>
                      <CrossIcon />
                      {posting === "cancel" ? "Cancelling…" : "Cancel this action"}
                    </button>
                  </Form>
                ) : null}
                {show.rollback ? (
                  <Link to="rollback" className="button button-danger-outline" preventScrollReset>
                    <UndoIcon />
                    Roll back…
                  </Link>
                ) : null}
              </div>
            </section>
          ) : null}

          <section className="card panel" aria-labelledby="facts-heading">
            <h2 id="facts-heading">Facts</h2>
            <dl className="kv">
              <dt>Type</dt>
              <dd>{action.rollbackOfId !== null ? `Undo of ${humanize(action.actionType)}` : humanLabel(action.actionType)}</dd>
              <dt>Target</dt>
              <dd>
                {target && action.targetId !== null ? (
                  <Link to={`/items/${action.targetId}`}>{target.title ? `${target.kind} "${target.title}"` : `${target.kind} #${action.targetId}`}</Link>
                ) : target ? (
                  `new ${target.kind}`
                ) : (
                  "none"
                )}
              </dd>
              <dt>Attempts</dt>
              <dd>
                {action.attempts} of {action.maxAttempts}
              </dd>
              {action.approvedAt ? (
                <>
                  <dt>Approved</dt>
                  <dd>
                    <LocalTime value={action.approvedAt} />
                  </dd>
                </>
              ) : null}
              {action.rejectedAt ? (
                <>
                  <dt>Rejected</dt>
                  <dd>
                    <LocalTime value={action.rejectedAt} />
                  </dd>
                  <dt>Why</dt>
                  <dd>{action.rejectionReason}</dd>
                </>
              ) : null}
              {action.executedAt ? (
                <>
                  <dt>Executed</dt>
                  <dd>
                    <LocalTime value={action.executedAt} />
                  </dd>
                </>
              ) : null}
              {action.cancelledAt ? (
                <>
                  <dt>Cancelled</dt>
                  <dd>
                    <LocalTime value={action.cancelledAt} />
                  </dd>
                </>
              ) : null}
              {action.rollbackActionId !== null ? (
                <>
                  <dt>Undone by</dt>
                  <dd>
                    <Link to={`/actions/${action.rollbackActionId}`}>#{action.rollbackActionId}</Link>
                    {action.rolledBackAt ? (
                      <>
                        {" on "}
                        <LocalTime value={action.rolledBackAt} />
                      </>
                    ) : (
                      " (in progress)"
                    )}
                  </dd>
                </>
              ) : null}
              {action.rollbackOfId !== null ? (
                <>
                  <dt>Undoes</dt>
                  <dd>
                    <Link to={`/actions/${action.rollbackOfId}`}>#{action.rollbackOfId}</Link>
                  </dd>
                </>
              ) : null}
              {action.dependsOnId !== null ? (
                <>
                  <dt>Runs after</dt>
                  <dd>
                    <Link to={`/actions/${action.dependsOnId}`}>#{action.dependsOnId}</Link>
                  </dd>
                </>
              ) : null}
              {action.templateId !== null ? (
                <>
                  <dt>Template</dt>
                  <dd>
                    #{action.templateId}, step {(action.templateStep ?? 0) + 1}
                  </dd>
                </>
              ) : null}
              {action.batchId ? (
                <>
                  <dt>Batch</dt>
                  <dd className="mono" title={action.batchId}>
                    {action.batchId.slice(0, 8)}
                  </dd>
                </>
              ) : null}
              <dt>Last change</dt>
              <dd>
                <LocalTime value={action.updatedAt} />
              </dd>
              {action.idempotencyKey ? (
                <>
                  <dt>Idempotency key</dt>
                  <dd className="mono">{action.idempotencyKey}</dd>
                </>
              ) : null}
            </dl>
          </section>
        </aside>
      </div>
      <Outlet />
    </div>
  );
}
