import { useState } from "react";
import { Form, Link, useFetcher } from "react-router";

import type { WebhookDeliveryPage, WebhookDeliveryView, WebhookEndpointView } from "@leash/core";

import { LocalTime } from "./local-time.tsx";
import { plural } from "../lib/format.ts";
import { useEachAnswer } from "../lib/use-each-answer.ts";
import { webhookEventLabel } from "../lib/webhook-labels.ts";
import { CsrfField } from "./csrf-field.tsx";

const statusLabels: Record<WebhookDeliveryView["status"], { label: string; badge: string }> = {
  pending: { label: "Pending", badge: "badge-pending" },
  delivered: { label: "Delivered", badge: "badge-executed" },
  failed: { label: "Failed", badge: "badge-failed" },
};

function DeliveryStatus({ status }: { status: WebhookDeliveryView["status"] }) {
  const { label, badge } = statusLabels[status];
  return (
    <span className={`badge ${badge}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

/** "HTTP 200", "HTTP 500 Internal Server Error", or what stopped the attempt before an answer (timeout, refused connection). */
function outcomeOf({ statusCode, error }: WebhookDeliveryView["attempts"][number]): string {
  if (statusCode === null) return error ?? "No answer";
  const status = `HTTP ${statusCode}`;
  if (!error) return status;
  return error.startsWith(status) ? error : `${status}: ${error}`;
}

function Delivery({ delivery, canSend }: { delivery: WebhookDeliveryView; canSend: boolean }) {
  return (
    <li className="card panel stack" data-delivery={delivery.id} data-event-type={delivery.eventType}>
      <div className="delivery-head">
        <div>
          <strong>{webhookEventLabel(delivery.eventType)}</strong>
          {delivery.actionId !== null ? (
            <>
              {" "}
              of <Link to={`/actions/${delivery.actionId}`}>action #{delivery.actionId}</Link>
            </>
          ) : null}
          <div className="small muted">
            #{delivery.id} · made{" "}
            <LocalTime value={delivery.createdAt} /> ·{" "}
            {plural(delivery.attempts.length, "attempt")}
            {delivery.status === "pending" && delivery.nextAttemptAt ? (
              <>
                {" · next attempt "}
                <LocalTime value={delivery.nextAttemptAt} style="relative" />
              </>
            ) : null}
          </div>
        </div>
        <div className="delivery-actions">
          <DeliveryStatus status={delivery.status} />
          {canSend && delivery.status !== "pending" ? (
            <Form method="post" className="inline-form">
              <CsrfField />
              <input type="hidden" name="deliveryId" value={delivery.id} />
              <button type="submit" name="intent" value="redeliver" className="button button-small">
                Send again
              </button>
            </Form>
          ) : null}
        </div>
      </div>
      {delivery.attempts.length === 0 ? (
        <p className="muted small">Not tried yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Attempts of delivery #{delivery.id}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Result</th>
                <th scope="col">Duration</th>
                <th scope="col">Answer</th>
              </tr>
            </thead>
            <tbody>
              {delivery.attempts.map((attempt, index) => (
                <tr key={`${attempt.at}-${index}`} data-attempt-status={attempt.statusCode ?? "none"}>
                  <td className="nowrap">
                    <LocalTime value={attempt.at} />
                  </td>
                  <td>{outcomeOf(attempt)}</td>
                  <td className="num nowrap">{attempt.durationMs} ms</td>
                  <td>
                    {attempt.responseExcerpt ? (
                      <pre className="code-block">{attempt.responseExcerpt}</pre>
                    ) : (
                      <span className="muted">empty</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </li>
  );
}

/** The endpoint's deliveries, newest first, each with its attempts; older ones page in by cursor. */
export function WebhookDeliveryLog({
  endpoint,
  page,
}: {
  endpoint: WebhookEndpointView;
  page: WebhookDeliveryPage;
}) {
  const more = useFetcher<{ log: WebhookDeliveryPage }>();
  const [older, setOlder] = useState<WebhookDeliveryPage>({ items: [], nextCursor: null });
  useEachAnswer(more.data, ({ log }) =>
    setOlder((current) => ({ items: [...current.items, ...log.items], nextCursor: log.nextCursor })),
  );
  // The first page is refreshed live; the older ones loaded below it are kept, without repeating one.
  const shown = [
    ...page.items,
    ...older.items.filter((item) => !page.items.some((first) => first.id === item.id)),
  ];
  const next = older.items.length > 0 ? older.nextCursor : page.nextCursor;
  return (
    <section className="stack" aria-labelledby="delivery-log-heading">
      <h2 id="delivery-log-heading">Delivery log</h2>
      {shown.length === 0 ? (
        <p className="muted">
          Nothing sent yet. Events are sent as they happen; “Send a test event” tries the endpoint now.
        </p>
      ) : (
        <ol className="delivery-log" data-testid="delivery-log">
          {shown.map((delivery) => (
            <Delivery key={delivery.id} delivery={delivery} canSend={endpoint.enabled} />
          ))}
        </ol>
      )}
      {next !== null ? (
        <Link
          to={`?cursor=${next}`}
          className="button button-small"
          onClick={(event) => {
            event.preventDefault();
            void more.load(`/webhooks/${endpoint.id}?cursor=${next}`);
          }}
          aria-disabled={more.state !== "idle"}
        >
          {more.state === "idle" ? "Load more" : "Loading…"}
        </Link>
      ) : shown.length > 0 ? (
        <p className="muted small">That is everything.</p>
      ) : null}
    </section>
  );
}
