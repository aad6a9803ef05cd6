import { Link } from "react-router";

import type { WebhookEndpointDetail } from "@leash/core";

import { LocalTime } from "./local-time.tsx";
import { plural } from "../lib/format.ts";
import { webhookEventLabel } from "../lib/webhook-labels.ts";
import { WebhookState } from "./webhook-state.tsx";

/** The tenant's endpoints: where, what, whether Leash still sends to them, and what waits. */
export function WebhookTable({ endpoints }: { endpoints: WebhookEndpointDetail[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="webhooks">
        <caption className="visually-hidden">Webhook endpoints</caption>
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">Events</th>
            <th scope="col">Action types</th>
            <th scope="col">State</th>
            <th scope="col">Waiting</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((endpoint) => (
            <tr key={endpoint.id} data-endpoint={endpoint.url}>
              <td>
                <Link to={`/webhooks/${endpoint.id}`} className="mono">
                  {endpoint.url}
                </Link>
                {endpoint.description ? <div className="small muted">{endpoint.description}</div> : null}
                <div className="small muted">
                  since <LocalTime value={endpoint.createdAt} />
                  {endpoint.allowPrivateNetwork ? "; may reach the private network" : ""}
                </div>
              </td>
              <td>{endpoint.eventTypes.map(webhookEventLabel).join(", ")}</td>
              <td>{endpoint.actionTypes.length === 0 ? "All" : endpoint.actionTypes.join(", ")}</td>
              <td>
                <WebhookState endpoint={endpoint} />
              </td>
              <td className="num">
                {endpoint.pendingDeliveries === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  plural(endpoint.pendingDeliveries, "delivery", "deliveries")
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
