import { useEffect, useRef } from "react";
import { Form } from "react-router";

import type { WebhookEndpointView } from "@leash/core";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import { webhookEventLabel } from "../lib/webhook-labels.ts";
import { CsrfField } from "./csrf-field.tsx";
import { FieldError, invalid } from "./field-error.tsx";

interface WebhookFormProps {
  /** The endpoint being edited, or null to subscribe a new one. */
  editing: WebhookEndpointView | null;
  /** The event types endpoints may subscribe to and the registered action types, read from core by the loader. */
  choices: { eventTypes: readonly string[]; actionTypes: readonly string[] };
  /** The answer to this form's last post. */
  result: FormResult | undefined;
  busy: boolean;
}

/** A group of checkboxes with one error under it; its legend names it for screen readers. */
function CheckboxGroup(props: {
  name: string;
  legend: string;
  hint: string;
  options: { value: string; label: string; checked: boolean }[];
  error: string | undefined;
}) {
  const errorId = `${props.name}-error`;
  return (
    <fieldset className="field" aria-describedby={props.error ? errorId : undefined}>
      <legend className="field-label">{props.legend}</legend>
      <p className="field-hint">{props.hint}</p>
      <div className="chips">
        {props.options.map((option) => (
          <label key={option.value} className="checkbox-label">
            <input type="checkbox" name={props.name} value={option.value} defaultChecked={option.checked} />
            {option.label}
          </label>
        ))}
      </div>
      <FieldError id={errorId} message={props.error} />
    </fieldset>
  );
}

/** Subscribe an endpoint or change one; what is wrong comes back from core's schema, next to its field. */
export function WebhookForm({ editing, choices, result, busy }: WebhookFormProps) {
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (result?.ok && !editing) form.current?.reset();
  }, [result, editing]);
  const error = (field: string) => fieldError(result, field);
  const intent = editing ? "update" : "create";
  return (
    <Form
      method="post"
      ref={form}
      // A saved change remounts the form with what was stored (core writes the URL as the URL parser does).
      key={editing ? `${editing.id}:${editing.updatedAt}` : "new"}
      className="card panel stack"
      noValidate
      aria-labelledby="webhook-form-heading"
    >
      <h2 id="webhook-form-heading">{editing ? "Settings" : "Add an endpoint"}</h2>
      <CsrfField />
      <div className="form-grid">
        <div className="field">
          <label htmlFor="url">URL</label>
          <input
            id="url"
            name="url"
            type="url"
            defaultValue={editing?.url}
            autoComplete="off"
            {...invalid("url", error("url"))}
          />
          <p className="field-hint">Where Leash POSTs each event, e.g. https://hooks.example.com/leash.</p>
          <FieldError id="url-error" message={error("url")} />
        </div>
        <div className="field">
          <label htmlFor="description">Description</label>
          <input
            id="description"
            name="description"
            defaultValue={editing?.description ?? ""}
            {...invalid("description", error("description"))}
          />
          <p className="field-hint">Optional: what the endpoint is for.</p>
          <FieldError id="description-error" message={error("description")} />
        </div>
      </div>
      <CheckboxGroup
        name="eventTypes"
        legend="Events"
        hint="What happens to actions that is sent to this endpoint."
        options={choices.eventTypes.map((type) => ({
          value: type,
          label: webhookEventLabel(type),
          checked: editing?.eventTypes.some((chosen) => chosen === type) ?? false,
        }))}
        error={error("eventTypes")}
      />
      <CheckboxGroup
        name="actionTypes"
        legend="Action types"
        hint="Only events of actions of the checked types are sent; none checked: every type."
        options={choices.actionTypes.map((type) => ({
          value: type,
          label: type,
          checked: editing?.actionTypes.includes(type) ?? false,
        }))}
        error={error("actionTypes")}
      />
      <label className="checkbox-label">
        <input
          type="checkbox"
          name="allowPrivateNetwork"
          defaultChecked={editing?.allowPrivateNetwork ?? false}
        />
        May reach private and loopback addresses (refused by default)
      </label>
      <FieldError id="allowPrivateNetwork-error" message={error("allowPrivateNetwork")} />
      <div className="card-actions">
        <button type="submit" name="intent" value={intent} className="button button-primary" disabled={busy}>
          {busy ? "Saving…" : editing ? "Save changes" : "Add endpoint"}
        </button>
      </div>
    </Form>
  );
}
