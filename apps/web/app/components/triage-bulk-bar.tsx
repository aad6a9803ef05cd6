import type { FetcherWithComponents } from "react-router";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import { CsrfField } from "./csrf-field.tsx";
import { CheckIcon, CrossIcon } from "./icons.tsx";

interface TriageBulkBarProps {
  fetcher: FetcherWithComponents<FormResult>;
  /** What Select all selects: what the reader may decide and can undo. */
  selectable: readonly number[];
  checked: readonly number[];
  onSelectAll: (on: boolean) => void;
  /**
   * Selected actions without a checkbox on the page: beyond the rows rendered so far, or gone from
   * the list since (someone else decided them). Posted all the same, so the answer says what became of each.
   */
  unshown: readonly number[];
}

/** Approve or reject the selected actions at once; the answer lists each action's outcome. */
export function TriageBulkBar({ fetcher, selectable, checked, onSelectAll, unshown }: TriageBulkBarProps) {
  const result = fetcher.data?.form === "bulk" ? fetcher.data : undefined;
  const reasonError = fieldError(result, "reason");
  const busy = fetcher.state !== "idle";
  const allChecked = selectable.length > 0 && selectable.every((id) => checked.includes(id));
  return (
    <fetcher.Form
      method="post"
      id="bulk"
      className="bulk-bar"
      aria-label="Decide on several actions"
      noValidate
    >
      <CsrfField />
      {unshown.map((id) => (
        <input key={id} type="hidden" name="actionId" value={id} />
      ))}
      <label className="checkbox-label js-only">
        <input
          type="checkbox"
          checked={allChecked}
          disabled={selectable.length === 0}
          onChange={(event) => onSelectAll(event.currentTarget.checked)}
        />
        Select all
      </label>
      <span className="muted small" aria-live="polite">
        {checked.length > 0 ? (
          `${checked.length} selected`
        ) : (
          <span className="bulk-hint">x selects; what cannot be undone is decided on its own</span>
        )}
      </span>
      <div className="bulk-controls">
        <button
          type="submit"
          name="intent"
          value="approve-selected"
          className="button button-primary button-small"
          disabled={busy}
        >
          <CheckIcon />
          Approve selected
        </button>
        <div className="field field-inline">
          <label htmlFor="bulk-reason" className="visually-hidden">
            Reason for rejecting the selected actions
          </label>
          <input
            id="bulk-reason"
            name="reason"
            placeholder="Reason for rejecting"
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={reasonError ? "bulk-reason-error" : undefined}
          />
        </div>
        <button
          type="submit"
          name="intent"
          value="reject-selected"
          className="button button-danger-outline button-small"
          disabled={busy}
        >
          <CrossIcon />
          Reject selected
        </button>
      </div>
      {reasonError ? (
        <p className="field-error bulk-error" id="bulk-reason-error">
          {reasonError}
        </p>
      ) : null}
    </fetcher.Form>
  );
}

/** A decision on several actions, action by action: decided, or refused (styled as an error) with the reason. Stays when the list empties. */
export function BulkResults({ result }: { result: FormResult | undefined }) {
  if (!result?.ok || !result.outcomes) return null;
  return (
    <ul className="bulk-results" aria-label="Outcome of the decision on several actions">
      {result.outcomes.map((outcome) => (
        <li
          key={outcome.actionId}
          className={outcome.ok ? "bulk-result is-ok" : "bulk-result is-refused notice-error"}
          data-outcome={outcome.ok ? "decided" : "refused"}
        >
          {outcome.message}
        </li>
      ))}
    </ul>
  );
}
