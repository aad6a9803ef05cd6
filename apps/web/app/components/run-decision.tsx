import { useId } from "react";
import type { FetcherWithComponents } from "react-router";

import { capitalize } from "../lib/format.ts";
import { fieldError, type FormResult } from "../lib/form-result.ts";
import { irreversible, type TriageEntry } from "../lib/triage.ts";
import { CsrfField } from "./csrf-field.tsx";
import { CheckIcon, CrossIcon } from "./icons.tsx";

interface RunDecisionProps {
  run: NonNullable<TriageEntry["run"]>;
  /** The run's waiting steps, in step order. */
  members: readonly TriageEntry[];
  canDecide: boolean;
  fetcher: FetcherWithComponents<FormResult>;
}

/**
 * A batch or template run read as one unit: its name, its waiting steps in order, and one
 * Approve / Reject for all of them, with a box per step to leave it out (it then stays pending).
 */
export function RunDecision({ run, members, canDecide, fetcher }: RunDecisionProps) {
  const id = useId();
  const result = fetcher.data?.form === `batch-${run.batchId}` ? fetcher.data : undefined;
  const reasonError = fieldError(result, "reason");
  const busy = fetcher.state !== "idle";
  return (
    <section className="run-decision" aria-labelledby={`${id}-title`} data-batch-id={run.batchId}>
      <h3 id={`${id}-title`}>{run.templateName ? `Template run: ${run.templateName}` : "Batch"}</h3>
      <ol className="run-steps">
        {members.map((member) => (
          <li key={member.action.id}>
            #{member.action.id} {capitalize(member.presentation.headline)}
          </li>
        ))}
      </ol>
      {canDecide ? (
        <fetcher.Form method="post" className="batch-form" noValidate>
          <CsrfField />
          <input type="hidden" name="batchId" value={run.batchId} />
          <fieldset className="batch-members">
            <legend>Leave out of this decision (they stay pending)</legend>
            {members.map((member) =>
              // What cannot be undone is never decided in bulk: it is approved on its own, with a confirmation.
              irreversible(member) ? (
                <span key={member.action.id} className="muted small">
                  <input type="hidden" name="leaveOut" value={member.action.id} />#{member.action.id} cannot be undone: decided on its own
                </span>
              ) : (
                <label key={member.action.id} className="checkbox-label">
                  <input type="checkbox" name="leaveOut" value={member.action.id} />
                  Leave out #{member.action.id} ({member.presentation.headline})
                </label>
              ),
            )}
          </fieldset>
          <div className="bulk-controls">
            <button type="submit" name="intent" value="approve-batch" className="button button-primary button-small" disabled={busy}>
              <CheckIcon />
              Approve batch
            </button>
            <div className="field field-inline">
              <label htmlFor={`${id}-reason`} className="visually-hidden">
                Reason for rejecting the batch
              </label>
              <input
                id={`${id}-reason`}
                name="reason"
                placeholder="Reason for rejecting"
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? `${id}-reason-error` : undefined}
              />
            </div>
            <button type="submit" name="intent" value="reject-batch" className="button button-danger-outline button-small" disabled={busy}>
              <CrossIcon />
              Reject batch
            </button>
          </div>
          {reasonError ? (
            <p className="field-error" id={`${id}-reason-error`}>
              {reasonError}
            </p>
          ) : null}
        </fetcher.Form>
      ) : null}
    </section>
  );
}
