import { useId, type ReactNode } from "react";
import { Form } from "react-router";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import { plural } from "../lib/format.ts";
import type { InboxCard } from "./action-card.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { CheckIcon, CrossIcon } from "./icons.tsx";

interface BatchGroupProps {
  batchId: string;
  cards: readonly InboxCard[];
  canDecide: boolean;
  busy: boolean;
  /** The answer to this batch's form, for the reason field's error. */
  posted: FormResult | undefined;
  children: ReactNode;
}

/**
 * The pending actions of one batch or template run, decided together: one Approve / Reject for
 * all of them, with a box per action to leave it out (it then stays pending).
 */
export function BatchGroup({ batchId, cards, canDecide, busy, posted, children }: BatchGroupProps) {
  const id = useId();
  const templateRun = cards.some((card) => card.action.templateId !== null);
  const title = `${templateRun ? "Template run" : "Batch"} · ${plural(cards.length, "action")} waiting`;
  const reasonError = fieldError(posted, "reason");
  return (
    <section className="batch-group" aria-labelledby={`${id}-title`} data-batch-id={batchId}>
      <header className="batch-head">
        <h2 id={`${id}-title`}>{title}</h2>
        {canDecide ? (
          <Form method="post" className="batch-form" noValidate>
            <CsrfField />
            <input type="hidden" name="batchId" value={batchId} />
            <fieldset className="batch-members">
              <legend>Leave out of this decision (they stay pending)</legend>
              {cards.map((card) => (
                <label key={card.action.id} className="checkbox-label">
                  <input type="checkbox" name="leaveOut" value={card.action.id} />
                  Leave out #{card.action.id} ({card.presentation.headline})
                </label>
              ))}
            </fieldset>
            <div className="bulk-controls">
              <button
                type="submit"
                name="intent"
                value="approve-batch"
                className="button button-primary button-small"
                disabled={busy}
              >
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
              <button
                type="submit"
                name="intent"
                value="reject-batch"
                className="button button-danger-outline button-small"
                disabled={busy}
              >
                <CrossIcon />
                Reject batch
              </button>
            </div>
            {reasonError ? (
              <p className="field-error" id={`${id}-reason-error`}>
                {reasonError}
              </p>
            ) : null}
          </Form>
        ) : null}
      </header>
      <div className="card-list">{children}</div>
    </section>
  );
}
