import { Form } from "react-router";

import type { WebhookEndpointDetail } from "@leash/core";

import { ConfirmDisclosure } from "./confirm-disclosure.tsx";
import { CsrfField } from "./csrf-field.tsx";
import { DatedText, LocalTime } from "./local-time.tsx";

/** One button that posts an intent of the endpoint's page. */
function IntentButton({
  intent,
  label,
  primary = false,
}: {
  intent: string;
  label: string;
  primary?: boolean;
}) {
  return (
    <Form method="post" className="inline-form">
      <CsrfField />
      <button
        type="submit"
        name="intent"
        value={intent}
        className={`button button-small${primary ? " button-primary" : ""}`}
      >
        {label}
      </button>
    </Form>
  );
}

/** What can be done to the endpoint as a whole; a disabled one offers only what works on it. */
export function WebhookEndpointControls({ endpoint, secretGraceHours }: { endpoint: WebhookEndpointDetail; secretGraceHours: number }) {
  const count = endpoint.pendingDeliveries;
  const waiting =
    count === 0
      ? "Nothing waits to be sent."
      : count === 1
        ? "1 delivery waits to be sent."
        : `${count} deliveries wait to be sent.`;
  // Events that happen while it is disabled are not kept for it; what already waited is.
  const resume =
    count === 0
      ? "Enable it to receive new events."
      : `${waiting} Enable it to send ${count === 1 ? "it" : "them, in order"}, and new events.`;
  return (
    <section className="card panel stack" aria-labelledby="endpoint-controls-heading">
      <h2 id="endpoint-controls-heading">Sending</h2>
      {endpoint.previousSecretExpiresAt ? (
        <p data-testid="previous-secret">
          Deliveries are also signed with the secret the last rotation replaced, until{" "}
          <LocalTime value={endpoint.previousSecretExpiresAt} />.
        </p>
      ) : null}
      {endpoint.enabled ? (
        <p>Leash sends the events chosen below to this endpoint as they happen. {waiting}</p>
      ) : (
        <p className="notice notice-error" data-testid="disabled-reason">
          Leash does not send to this endpoint
          {endpoint.disabledReason ? (
            <>
              : <DatedText text={endpoint.disabledReason} />
            </>
          ) : null}
          .{" "}
          {resume}
        </p>
      )}
      <div className="card-actions">
        {endpoint.enabled ? (
          <IntentButton intent="test" label="Send a test event" primary />
        ) : (
          <IntentButton intent="enable" label="Enable" primary />
        )}
        {endpoint.enabled ? <IntentButton intent="disable" label="Disable" /> : null}
        <ConfirmDisclosure
          label="New signing secret…"
          intent="rotate"
          question={`Replace the signing secret? For ${secretGraceHours} hours every delivery is also signed with the old one, so the receiver keeps accepting them until it is given the new one.`}
          yes="Yes, replace the secret"
        >
          <label className="checkbox-label">
            <input type="checkbox" name="revokePrevious" />
            Stop signing with the old secret at once (it leaked)
          </label>
        </ConfirmDisclosure>
        <ConfirmDisclosure
          label="Delete…"
          intent="delete"
          question={`Delete ${endpoint.url} with its delivery log? What still waits is never sent.`}
          yes="Yes, delete this endpoint"
        />
      </div>
    </section>
  );
}
