import { Link } from "react-router";

import type { WebhookEndpointDetail } from "@leash/core";

import { plural } from "../lib/format.ts";
import { webhookEventLabel } from "../lib/webhook-labels.ts";
import { DataTable } from "./data-table.tsx";
import { LocalTime } from "./local-time.tsx";
import { WebhookState } from "./webhook-state.tsx";

function Endpoint({ endpoint }: { endpoint: WebhookEndpointDetail }) {
  return (
    <>
      <Link to={`/webhooks/${endpoint.id}`} className="mono">
        {endpoint.url}
      </Link>
      {endpoint.description ? <div className="small muted">{endpoint.description}</div> : null}
      <div className="small muted">
        since <LocalTime value={endpoint.createdAt} />
        {endpoint.allowPrivateNetwork ? "; may reach the private network" : ""}
      </div>
    </>
  );
}

/** The tenant's endpoints: where, what, whether Leash still sends to them, and what waits. */
export function WebhookTable({ endpoints }: { endpoints: WebhookEndpointDetail[] }) {
  return (
    <DataTable
      caption="Webhook endpoints"
      testId="webhooks"
      rows={endpoints}
      rowKey={(endpoint) => endpoint.id}
      rowData={(endpoint) => ({ "data-endpoint": endpoint.url })}
      columns={[
        { heading: "Endpoint", cell: (endpoint) => <Endpoint endpoint={endpoint} /> },
        { heading: "Events", cell: (endpoint) => endpoint.eventTypes.map(webhookEventLabel).join(", ") },
        { heading: "Action types", cell: (endpoint) => (endpoint.actionTypes.length === 0 ? "All" : endpoint.actionTypes.join(", ")) },
        { heading: "State", cell: (endpoint) => <WebhookState endpoint={endpoint} /> },
        {
          heading: "Waiting",
          className: "num",
          cell: (endpoint) =>
            endpoint.pendingDeliveries === 0 ? <span className="muted">none</span> : plural(endpoint.pendingDeliveries, "delivery", "deliveries"),
        },
      ]}
    />
  );
}
