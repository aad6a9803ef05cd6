import { useEffect, useId } from "react";
import { Link, useFetcher } from "react-router";

import type { ActionPresentation, ActionView } from "@leash/core";

import { capitalize, formatDateTime, timeAgo } from "../lib/format.ts";
import { fieldError, formError, type FormResult } from "../lib/form-result.ts";
import { ChangesList, DetailsList } from "./changes-list.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { ArrowRightIcon, CheckIcon, CrossIcon } from "./icons.tsx";

export interface InboxCard {
  action: ActionView;
  presentation: ActionPresentation;
  /** "expires in 1 h 20 min" as of the loader's clock; null without a time limit. */
  expiry: string | null;
  /** A quorum's progress, "1 of 2 approvals"; null for a single approver not yet given. */
  approvals: string | null;
}

interface ActionCardProps {
  card: InboxCard;
  now: string;
  canDecide: boolean;
  isNew: boolean;
  selected: boolean;
  onSelect: (id: number, selected: boolean) => void;
  /** The answer to this card's form when it was posted without JavaScript. */
  posted: FormResult | undefined;
  onDecided: (result: FormResult) => void;
}

/** The trust periods the inbox offers (core takes up to MAX_TRUST_DAYS). */
const TRUST_DAYS = [1, 7, 30, 90] as const;

function targetLabel(presentation: ActionPresentation, action: ActionView): string {
  const target = presentation.target;
  if (!target) return "none";
  if (target.title) return `${target.kind} "${target.title}"`;
  return action.targetId !== null ? `${target.kind} #${action.targetId}` : `new ${target.kind}`;
}

/** One pending action, readable at a glance like its Slack card, with Approve and Reject on it. */
export function ActionCard({ card, now, canDecide, isNew, selected, onSelect, posted, onDecided }: ActionCardProps) {
  const { action, presentation } = card;
  const fetcher = useFetcher<FormResult>({ key: `decide-${action.id}` });
  const result = fetcher.data ?? posted;
  const busy = fetcher.state !== "idle";
  const reasonError = fieldError(result, "reason");
  const error = formError(result);
  const id = useId();
  const titleId = `${id}-title`;
  const reasonId = `${id}-reason`;

  useEffect(() => {
    if (fetcher.data) onDecided(fetcher.data);
  }, [fetcher.data, onDecided]);

  return (
    <article className={`card action-card${isNew ? " is-new" : ""}${busy ? " is-busy" : ""}`} aria-labelledby={titleId} data-action-id={action.id}>
      <div className="card-head">
        {canDecide ? (
          <input
            type="checkbox"
            className="card-select"
            form="bulk"
            name="actionId"
            value={action.id}
            checked={selected}
            onChange={(event) => onSelect(action.id, event.currentTarget.checked)}
            aria-label={`Select #${action.id}`}
          />
        ) : null}
        <div className="card-title">
          <p className="eyebrow">Approval needed · #{action.id}</p>
          <h2 id={titleId}>
            <Link to={`/actions/${action.id}`}>{capitalize(presentation.headline)}</Link>
          </h2>
          <p className="meta">
            Proposed by <strong>{action.proposedBy.label}</strong> ·{" "}
            <time dateTime={action.createdAt} title={formatDateTime(action.createdAt)}>
              {timeAgo(action.createdAt, now)}
            </time>
          </p>
        </div>
      </div>
      {card.expiry !== null || action.escalatedTo !== null ? (
        <p className="deadline-line" data-testid="deadline">
          {card.expiry !== null && action.expiresAt !== null ? (
            <span className="badge badge-pending" title={`Expires at ${formatDateTime(action.expiresAt)}`}>
              {capitalize(card.expiry)}
            </span>
          ) : null}
          {action.escalatedTo !== null ? <span className="badge badge-escalated">Escalated to {action.escalatedTo}</span> : null}
        </p>
      ) : null}
      {card.approvals !== null ? (
        <p className="approvals-line" data-testid="approvals">
          <span className="badge badge-pending">{card.approvals}</span>
          {action.approvals.approvers.length > 0 ? <span className="muted"> approved by {action.approvals.approvers.map((approver) => approver.label).join(", ")}</span> : null}
        </p>
      ) : null}
      {action.reason ? <blockquote className="reason">“{action.reason}”</blockquote> : null}
      <dl className="facts">
        <div>
          <dt>Action</dt>
          <dd>{action.actionType}</dd>
        </div>
        <div>
          <dt>Target</dt>
          <dd>
            {presentation.target && action.targetId !== null ? (
              <Link to={`/items/${action.targetId}`}>{targetLabel(presentation, action)}</Link>
            ) : (
              targetLabel(presentation, action)
            )}
          </dd>
        </div>
        <div className="fact-wide">
          <dt>Reversible</dt>
          <dd>
            {presentation.reversible.reversible ? "Yes" : "No"}
            {presentation.reversible.until ? `, until ${formatDateTime(presentation.reversible.until)}` : ""} <span className="muted">({presentation.reversible.explanation})</span>
          </dd>
        </div>
      </dl>
      {presentation.changes.length > 0 ? (
        <section className="card-section" aria-label="Changes">
          <h3>Changes</h3>
          <ChangesList changes={presentation.changes} />
        </section>
      ) : null}
      <DetailsList details={presentation.details} code={presentation.code} />
      {error ? (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      ) : null}
      {canDecide ? (
        <div className="card-actions">
          <fetcher.Form method="post" className="inline-form">
            <CsrfField />
            <input type="hidden" name="actionId" value={action.id} />
            <button type="submit" name="intent" value="approve" className="button button-primary" disabled={busy}>
              <CheckIcon />
              Approve
            </button>
          </fetcher.Form>
          {action.proposedBy.id !== null ? (
            <details className="trust">
              <summary className="button button-ghost">Approve and trust…</summary>
              <fetcher.Form method="post" className="trust-form">
                <CsrfField />
                <input type="hidden" name="actionId" value={action.id} />
                <div className="field">
                  <label htmlFor={`${id}-days`}>
                    Auto-approve {action.actionType} on {action.targetType ?? "any target"} from {action.proposedBy.label} for
                  </label>
                  <select id={`${id}-days`} name="days" defaultValue="7">
                    {TRUST_DAYS.map((days) => (
                      <option key={days} value={days}>
                        {days === 1 ? "1 day" : `${days} days`}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit" name="intent" value="approve-trust" className="button button-primary" disabled={busy}>
                  <CheckIcon />
                  Approve and trust
                </button>
              </fetcher.Form>
            </details>
          ) : null}
          <details className="reject" open={reasonError !== undefined}>
            <summary className="button button-danger-outline">
              <CrossIcon />
              Reject…
            </summary>
            <fetcher.Form method="post" className="reject-form" noValidate>
              <CsrfField />
              <input type="hidden" name="actionId" value={action.id} />
              <div className="field">
                <label htmlFor={reasonId}>Why reject #{action.id}?</label>
                <textarea
                  id={reasonId}
                  name="reason"
                  rows={2}
                  placeholder="The proposer sees this reason"
                  aria-invalid={reasonError ? true : undefined}
                  aria-describedby={reasonError ? `${reasonId}-error` : undefined}
                />
                {reasonError ? (
                  <p className="field-error" id={`${reasonId}-error`}>
                    {reasonError}
                  </p>
                ) : null}
              </div>
              <button type="submit" name="intent" value="reject" className="button button-danger" disabled={busy}>
                Reject #{action.id}
              </button>
            </fetcher.Form>
          </details>
          <Link to={`/actions/${action.id}`} className="button button-ghost">
            Open
            <ArrowRightIcon />
          </Link>
        </div>
      ) : (
        <div className="card-actions">
          <Link to={`/actions/${action.id}`} className="button button-ghost">
            Open
            <ArrowRightIcon />
          </Link>
          <p className="muted small">Approvers decide; your role can read.</p>
        </div>
      )}
    </article>
  );
}
