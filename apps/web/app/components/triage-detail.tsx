import { Link, type FetcherWithComponents } from "react-router";

import { DatedText, LocalTime } from "./local-time.tsx";
import { capitalize, humanLabel, plural } from "../lib/format.ts";
import { fieldError, type FormResult } from "../lib/form-result.ts";
import { awaitingAnswer, irreversible, type DetailPresentation, type TriageEntry } from "../lib/triage.ts";
import { ChangesList, DetailsList } from "./changes-list.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { invalid } from "./field-error.tsx";
import { ArrowRightIcon, CheckIcon, CrossIcon } from "./icons.tsx";
import { IrreversibleApproveForm } from "./irreversible-approve-form.tsx";
import { LabeledField } from "./labeled-field.tsx";
import { RunDecision } from "./run-decision.tsx";

/** The trust periods the inbox offers (core takes up to MAX_TRUST_DAYS). */
const TRUST_DAYS = [1, 7, 30, 90] as const;

interface TriageDetailProps {
  entry: TriageEntry;
  /** What only the detail shows (target, changes, details): undefined while it loads, null once the action no longer waits. */
  detail: DetailPresentation | null | undefined;
  /** The other waiting steps of its run, in order, when it is one of two or more. */
  runMembers: readonly TriageEntry[];
  canDecide: boolean;
  /** Where this action's decision is posted (one fetcher for the page, so its answer becomes a toast). */
  decider: FetcherWithComponents<FormResult>;
  /** Back to the list, where the list and the action take turns (phones). */
  onBack: () => void;
  /** The answer to this action's last decision, for its fields' errors. */
  result: FormResult | undefined;
  batcher: FetcherWithComponents<FormResult>;
}

function targetLabel(action: TriageEntry["action"], target: DetailPresentation["target"]): string {
  if (!target) return "none";
  if (target.title) return `${target.kind} "${target.title}"`;
  return action.targetId !== null ? `${target.kind} #${action.targetId}` : `new ${target.kind}`;
}

/** The selected action beside the list: what it does, and the decision (or why the reader cannot make it). */
export function TriageDetail({ entry, detail, runMembers, canDecide, decider, onBack, result, batcher }: TriageDetailProps) {
  const { action, presentation } = entry;
  const busy = awaitingAnswer(decider);
  const cannotUndo = irreversible(entry);
  const reasonError = fieldError(result, "reason");
  const confirmError = fieldError(result, "confirm");
  const error = result && !result.ok && !reasonError && !confirmError ? result.error : undefined;
  const decide = canDecide && entry.refusal === null;

  return (
    <article className={`triage-detail${cannotUndo ? " is-irreversible" : ""}`} aria-labelledby="triage-title" data-action-id={action.id}>
      <Link
        to="/"
        className="triage-back"
        onClick={(event) => {
          event.preventDefault();
          onBack();
        }}
      >
        ← All waiting actions
      </Link>
      <header className="triage-detail-head">
        <p className="eyebrow">
          Approval needed · #{action.id}
          {action.templateStep !== null ? ` · step ${action.templateStep + 1}` : ""}
        </p>
        <h2 id="triage-title">
          <Link to={`/actions/${action.id}`}>
            <DatedText text={capitalize(presentation.headline)} />
          </Link>
        </h2>
        <p className="meta">
          Proposed by <strong>{action.proposedBy.label}</strong> ·{" "}
          <LocalTime value={action.createdAt} style="relative" />
        </p>
      </header>
      {cannotUndo ? (
        <p className="irreversible-warning" data-testid="irreversible">
          <strong>Cannot be undone:</strong> {presentation.reversible.explanation}.
        </p>
      ) : null}
      {entry.expiry !== null || action.escalatedTo !== null ? (
        <p className="deadline-line" data-testid="deadline">
          {entry.expiry !== null && action.expiresAt !== null ? (
            <>
              <span className="badge badge-pending">{capitalize(entry.expiry)}</span>{" "}
              <span className="muted small">
                (<LocalTime value={action.expiresAt} style="short" />)
              </span>
            </>
          ) : null}
          {action.escalatedTo !== null ? <span className="badge badge-escalated">Escalated to {action.escalatedTo}</span> : null}
        </p>
      ) : null}
      {entry.approvals !== null ? (
        <p className="approvals-line" data-testid="approvals">
          <span className="badge badge-pending">{entry.approvals}</span>
          {action.approvers.length > 0 ? <span className="muted"> approved by {action.approvers.join(", ")}</span> : null}
        </p>
      ) : null}
      {action.reason ? <blockquote className="reason">“{action.reason}”</blockquote> : null}

      {entry.refusal !== null ? (
        <p className="refusal" data-testid="refusal">
          <DatedText text={entry.refusal} />.
        </p>
      ) : null}
      {error ? (
        <p className="notice notice-error" role="alert">
          <DatedText text={error} />
        </p>
      ) : null}

      {decide ? (
        <div className="triage-actions">
          {cannotUndo ? (
            <IrreversibleApproveForm actionId={action.id} form={decider.Form} inputId="triage-confirm" error={confirmError} busy={busy} />
          ) : (
            <decider.Form method="post" className="inline-form">
              <CsrfField />
              <input type="hidden" name="intent" value="approve" />
              <input type="hidden" name="actionId" value={action.id} />
              <button type="submit" className="button button-primary" disabled={busy} aria-keyshortcuts="a">
                <CheckIcon />
                Approve
              </button>
            </decider.Form>
          )}
          <decider.Form method="post" className="reject-form" noValidate>
            <CsrfField />
            <input type="hidden" name="intent" value="reject" />
            <input type="hidden" name="actionId" value={action.id} />
            <LabeledField name="triage-reason" label={`Why reject #${action.id}?`} error={reasonError}>
              <input id="triage-reason" name="reason" placeholder="The proposer sees this reason (r, then Enter)" autoComplete="off" {...invalid("triage-reason", reasonError)} />
            </LabeledField>
            <button type="submit" className="button button-danger-outline" disabled={busy} aria-keyshortcuts="r">
              <CrossIcon />
              Reject #{action.id}
            </button>
          </decider.Form>
          <div className="triage-more">
            <Link to={`/actions/${action.id}?edit`} className="button button-ghost" aria-keyshortcuts="e">
              Edit and approve…
            </Link>
            {entry.trustRefusal === null ? (
              <details className="trust">
                <summary className="button button-ghost">Approve and trust…</summary>
                <decider.Form method="post" className="trust-form">
                  <CsrfField />
                  <input type="hidden" name="actionId" value={action.id} />
                  <LabeledField name="triage-days" label={`Auto-approve ${action.actionType} on ${action.targetType ?? "any target"} from ${action.proposedBy.label} for`} error={undefined}>
                    <select id="triage-days" name="days" defaultValue="7">
                      {TRUST_DAYS.map((days) => (
                        <option key={days} value={days}>
                          {plural(days, "day")}
                        </option>
                      ))}
                    </select>
                  </LabeledField>
                  <button type="submit" name="intent" value="approve-trust" className="button button-primary" disabled={busy}>
                    <CheckIcon />
                    Approve and trust
                  </button>
                </decider.Form>
              </details>
            ) : (
              <p className="muted small" data-testid="no-trust">
                Approve and trust is not offered: {entry.trustRefusal}.
              </p>
            )}
          </div>
        </div>
      ) : null}

      <dl className="facts">
        <div>
          <dt>Action</dt>
          <dd>{humanLabel(action.actionType)}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>
            {!detail ? (
              <span className="muted">…</span>
            ) : detail.target && action.targetId !== null ? (
              <Link to={`/items/${action.targetId}`}>{targetLabel(action, detail.target)}</Link>
            ) : (
              targetLabel(action, detail.target)
            )}
          </dd>
        </div>
        <div className="fact-wide">
          <dt>Reversible</dt>
          <dd>
            {presentation.reversible.reversible ? "Yes" : "No"}
            {presentation.reversible.until ? (
              <>
                , until <LocalTime value={presentation.reversible.until} />
              </>
            ) : null} <span className="muted">({presentation.reversible.explanation})</span>
          </dd>
        </div>
      </dl>
      {!detail ? (
        <p className="muted small" role="status" data-testid="detail-loading">
          {detail === undefined ? "Loading what it changes…" : `#${action.id} is no longer waiting; the list catches up in a moment.`}
        </p>
      ) : null}
      {detail && detail.changes.length > 0 ? (
        <section className="card-section" aria-label="Changes">
          <h3>Changes</h3>
          <ChangesList changes={detail.changes} />
        </section>
      ) : null}
      {detail ? <DetailsList details={detail.details} code={detail.code} /> : null}
      {runMembers.length > 1 && entry.run ? <RunDecision run={entry.run} members={runMembers} canDecide={canDecide} fetcher={batcher} /> : null}
      <Link to={`/actions/${action.id}`} className="button button-ghost">
        Open the full page
        <ArrowRightIcon />
      </Link>
    </article>
  );
}
