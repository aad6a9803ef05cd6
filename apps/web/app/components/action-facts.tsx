import { Link } from "react-router";

import type { ActionPresentation, ActionView } from "@leash/core";

import { humanize, humanLabel } from "../lib/format.ts";
import { LocalTime } from "./local-time.tsx";

/** The action's particulars: its type and target, its attempts, when each step happened, and what it is linked to. */
export function ActionFacts({ action, target }: { action: ActionView; target: ActionPresentation["target"] }) {
  return (
    <section className="card panel" aria-labelledby="facts-heading">
      <h2 id="facts-heading">Facts</h2>
      <dl className="kv">
        <dt>Type</dt>
        <dd>{action.rollbackOfId !== null ? `Undo of ${humanize(action.actionType)}` : humanLabel(action.actionType)}</dd>
        <dt>Target</dt>
        <dd>
          {target && action.targetId !== null ? (
            <Link to={`/items/${action.targetId}`}>{target.title ? `${target.kind} "${target.title}"` : `${target.kind} #${action.targetId}`}</Link>
          ) : target ? (
            `new ${target.kind}`
          ) : (
            "none"
          )}
        </dd>
        <dt>Attempts</dt>
        <dd>
          {action.attempts} of {action.maxAttempts}
        </dd>
        {action.approvedAt ? (
          <>
            <dt>Approved</dt>
            <dd>
              <LocalTime value={action.approvedAt} />
            </dd>
          </>
        ) : null}
        {action.rejectedAt ? (
          <>
            <dt>Rejected</dt>
            <dd>
              <LocalTime value={action.rejectedAt} />
            </dd>
            <dt>Why</dt>
            <dd>{action.rejectionReason}</dd>
          </>
        ) : null}
        {action.executedAt ? (
          <>
            <dt>Executed</dt>
            <dd>
              <LocalTime value={action.executedAt} />
            </dd>
          </>
        ) : null}
        {action.cancelledAt ? (
          <>
            <dt>Cancelled</dt>
            <dd>
              <LocalTime value={action.cancelledAt} />
            </dd>
          </>
        ) : null}
        {action.rollbackActionId !== null ? (
          <>
            <dt>Undone by</dt>
            <dd>
              <Link to={`/actions/${action.rollbackActionId}`}>#{action.rollbackActionId}</Link>
              {action.rolledBackAt ? (
                <>
                  {" on "}
                  <LocalTime value={action.rolledBackAt} />
                </>
              ) : (
                " (in progress)"
              )}
            </dd>
          </>
        ) : null}
        {action.rollbackOfId !== null ? (
          <>
            <dt>Undoes</dt>
            <dd>
              <Link to={`/actions/${action.rollbackOfId}`}>#{action.rollbackOfId}</Link>
            </dd>
          </>
        ) : null}
        {action.dependsOnId !== null ? (
          <>
            <dt>Runs after</dt>
            <dd>
              <Link to={`/actions/${action.dependsOnId}`}>#{action.dependsOnId}</Link>
            </dd>
          </>
        ) : null}
        {action.templateId !== null ? (
          <>
            <dt>Template</dt>
            <dd>
              #{action.templateId}, step {(action.templateStep ?? 0) + 1}
            </dd>
          </>
        ) : null}
        {action.batchId ? (
          <>
            <dt>Batch</dt>
            <dd className="mono" title={action.batchId}>
              {action.batchId.slice(0, 8)}
            </dd>
          </>
        ) : null}
        <dt>Last change</dt>
        <dd>
          <LocalTime value={action.updatedAt} />
        </dd>
        {action.idempotencyKey ? (
          <>
            <dt>Idempotency key</dt>
            <dd className="mono">{action.idempotencyKey}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
