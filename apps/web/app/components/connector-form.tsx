import { useEffect, useRef, type ReactNode } from "react";
import { Form, Link } from "react-router";

import type { ConnectorView } from "@leash/core";

import { fieldError, type FormResult } from "../lib/form-result.ts";
import { CsrfField } from "./csrf-field.tsx";
import { FieldError, invalid } from "./field-error.tsx";

interface ConnectorFormProps {
  /** The connector being edited, or null to create one. */
  editing: ConnectorView | null;
  methods: readonly string[];
  timeouts: { min: number; max: number; default: number };
  /** The answer to this form's last post. */
  result: FormResult | undefined;
  busy: boolean;
}

function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  error: string | undefined;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {children}
      {hint ? <p className="field-hint">{hint}</p> : null}
      <FieldError id={`${name}-error`} message={error} />
    </div>
  );
}

/** Create or edit a connector; what is wrong comes back from core's schema, next to its field. */
export function ConnectorForm({ editing, methods, timeouts, result, busy }: ConnectorFormProps) {
  const form = useRef<HTMLFormElement>(null);
  // A saved form is emptied, so a secret typed into it does not stay on the screen.
  useEffect(() => {
    if (result?.ok) form.current?.reset();
  }, [result]);
  const error = (field: string) => fieldError(result, field);
  const plainHeaders =
    editing?.headers.flatMap((header) => (header.secret ? [] : [`${header.name}: ${header.value}`])) ?? [];
  const secretHeaders = editing?.headers.flatMap((header) => (header.secret ? [header.name] : [])) ?? [];
  const title = editing ? `Edit ${editing.name}` : "Add a connector";

  return (
    <Form
      method="post"
      ref={form}
      key={editing?.id ?? "new"}
      className="card panel stack"
      noValidate
      aria-labelledby="connector-form-heading"
    >
      <h2 id="connector-form-heading">{title}</h2>
      <CsrfField />
      {editing ? <input type="hidden" name="connectorId" value={editing.id} /> : null}
      <div className="form-grid">
        <Field
          name="name"
          label="Name"
          hint="A slug agents name in proposals, e.g. billing-api."
          error={error("name")}
        >
          <input
            id="name"
            name="name"
            defaultValue={editing?.name}
            autoComplete="off"
            {...invalid("name", error("name"))}
          />
        </Field>
        <Field
          name="baseUrl"
          label="Base URL"
          hint="Requests go only under it, e.g. https://billing.example.com/v1."
          error={error("baseUrl")}
        >
          <input
            id="baseUrl"
            name="baseUrl"
            type="url"
            defaultValue={editing?.baseUrl}
            {...invalid("baseUrl", error("baseUrl"))}
          />
        </Field>
        <fieldset
          className="field"
          aria-describedby={error("allowedMethods") ? "allowedMethods-error" : undefined}
        >
          <legend className="field-label">Allowed methods</legend>
          {methods.map((method) => (
            <label key={method} className="checkbox-label">
              <input
                type="checkbox"
                name="allowedMethods"
                value={method}
                defaultChecked={
                  editing ? editing.allowedMethods.some((allowed) => allowed === method) : method === "POST"
                }
              />
              {method}
            </label>
          ))}
          <FieldError id="allowedMethods-error" message={error("allowedMethods")} />
        </fieldset>
        <Field
          name="allowedPathPrefixes"
          label="Allowed path prefixes"
          hint="One per line; / allows every path."
          error={error("allowedPathPrefixes")}
        >
          <textarea
            id="allowedPathPrefixes"
            name="allowedPathPrefixes"
            rows={3}
            defaultValue={editing?.allowedPathPrefixes.join("\n") ?? "/"}
            {...invalid("allowedPathPrefixes", error("allowedPathPrefixes"))}
          />
        </Field>
        <Field
          name="headers"
          label="Headers"
          hint="One per line, Name: value; sent with every request."
          error={error("headers")}
        >
          <textarea
            id="headers"
            name="headers"
            rows={3}
            defaultValue={plainHeaders.join("\n")}
            {...invalid("headers", error("headers"))}
          />
        </Field>
        <Field
          name="secretHeaders"
          label="Secret headers"
          hint={
            editing
              ? "One per line, Name: value. A name alone keeps its stored value; values are never shown again."
              : "One per line, Name: value; stored encrypted and never shown again."
          }
          error={error("secretHeaders")}
        >
          <textarea
            id="secretHeaders"
            name="secretHeaders"
            rows={2}
            defaultValue={secretHeaders.join("\n")}
            autoComplete="off"
            {...invalid("secretHeaders", error("secretHeaders"))}
          />
        </Field>
        <Field
          name="timeoutMs"
          label="Timeout (ms)"
          hint={`The whole request, ${timeouts.min} to ${timeouts.max}; empty for ${timeouts.default}.`}
          error={error("timeoutMs")}
        >
          <input
            id="timeoutMs"
            name="timeoutMs"
            type="number"
            inputMode="numeric"
            min={timeouts.min}
            max={timeouts.max}
            defaultValue={editing?.timeoutMs}
            {...invalid("timeoutMs", error("timeoutMs"))}
          />
        </Field>
        <label className="checkbox-label">
          <input
            type="checkbox"
            name="allowPrivateNetwork"
            defaultChecked={editing?.allowPrivateNetwork ?? false}
          />
          May reach private and loopback addresses (refused by default)
        </label>
        <Field
          name="undoMethod"
          label="Undo method"
          hint="The request that undoes a call; none: calls cannot be rolled back."
          error={error("undoMethod")}
        >
          <select
            id="undoMethod"
            name="undoMethod"
            defaultValue={editing?.undo?.method ?? ""}
            {...invalid("undoMethod", error("undoMethod"))}
          >
            <option value="">none</option>
            {methods.map((method) => (
              <option key={method} value={method}>
                {method}
              </option>
            ))}
          </select>
        </Field>
        <Field
          name="undoPath"
          label="Undo path"
          hint="With {{result.body.<field>}}, {{result.status}}, {{parameters.<field>}}, e.g. /invoices/{{result.body.id}}."
          error={error("undoPath")}
        >
          <input
            id="undoPath"
            name="undoPath"
            defaultValue={editing?.undo?.path}
            {...invalid("undoPath", error("undoPath"))}
          />
        </Field>
        <Field
          name="undoBody"
          label="Undo body (JSON)"
          hint="Optional; the same placeholders in its strings."
          error={error("undoBody")}
        >
          <textarea
            id="undoBody"
            name="undoBody"
            rows={2}
            className="mono"
            defaultValue={editing?.undo?.body === undefined ? "" : JSON.stringify(editing.undo.body)}
            {...invalid("undoBody", error("undoBody"))}
          />
        </Field>
      </div>
      <div className="card-actions">
        <button
          type="submit"
          name="intent"
          value={editing ? "update" : "create"}
          className="button button-primary"
          disabled={busy}
        >
          {busy ? "Saving…" : editing ? "Save changes" : "Add connector"}
        </button>
        {editing ? (
          <Link to="/connectors" className="button button-ghost">
            Cancel
          </Link>
        ) : null}
      </div>
    </Form>
  );
}
