import type { WebhookEndpointView } from "@leash/core";

import { DatedText, LocalTime } from "./local-time.tsx";
import { capitalize } from "../lib/format.ts";

/** Whether Leash sends to an endpoint, in words and colour; a disabled one says when and why. */
export function WebhookState({ endpoint }: { endpoint: WebhookEndpointView }) {
  if (endpoint.enabled) {
    return (
      <span className="badge badge-executed" data-state="enabled">
        <span className="badge-dot" aria-hidden="true" />
        Enabled
      </span>
    );
  }
  return (
    <div data-state="disabled">
      <span className="badge badge-failed">
        <span className="badge-dot" aria-hidden="true" />
        Disabled
      </span>
      {endpoint.disabledAt ? (
        <div className="small">
          since <LocalTime value={endpoint.disabledAt} />
        </div>
      ) : null}
      {endpoint.disabledReason ? (
        <div className="small muted">
          <DatedText text={capitalize(endpoint.disabledReason)} />
        </div>
      ) : null}
    </div>
  );
}
