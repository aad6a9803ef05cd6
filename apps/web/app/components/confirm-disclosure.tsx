import type { ReactNode } from "react";
import { Form } from "react-router";

import { CsrfField } from "./csrf-field.tsx";

/**
 * A destructive post behind a disclosure: the first click only opens the question, the second
 * (on "yes") posts `intent` with the given hidden fields.
 */
export function ConfirmDisclosure({
  label,
  intent,
  question,
  yes,
  fields = {},
  children,
}: {
  label: string;
  intent: string;
  question: string;
  yes: string;
  /** Hidden fields naming what the intent is about, e.g. { connectorId }. */
  fields?: Record<string, string | number>;
  /** Choices that go with the confirmation (a checkbox), between the question and the button. */
  children?: ReactNode;
}) {
  return (
    <details className="reject">
      <summary className="button button-danger-outline button-small">{label}</summary>
      <Form method="post" className="reject-form">
        <CsrfField />
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <p>{question}</p>
        {children}
        <button type="submit" name="intent" value={intent} className="button button-danger button-small">
          {yes}
        </button>
      </Form>
    </details>
  );
}
