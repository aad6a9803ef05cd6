import type { ReactNode } from "react";
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
        <Fact term="Type">{action.rollbackOfId !== null ? `Undo of ${humanize(action.actionType)}` : humanLabel(action.actionType)}</Fact>
        <Fact term="Target">
          {target && action.targetId !== null ? (
            <Link to={`/items/${action.targetId}`}>{target.title ? `${target.kind} "${target.title}"` : `${target.kind} #${action.targetId}`}</Link>
          ) : target ? (
            `new ${target.kind}`
          ) : (
            "none"
          )}
        </Fact>
        <Fact term="Attempts">
          {action.attempts} of {action.maxAttempts}
        </Fact>
        <TimeFact term="Approved" value={action.approvedAt} />
        {action.rejectedAt ? (
          <>
            <TimeFact term="Rejected" value={action.rejectedAt} />
            <Fact term="Why">{action.rejectionReason}</Fact>
          </>
        ) : null}
        <TimeFact term="Executed" value={action.executedAt} />
        <TimeFact term="Cancelled" value={action.cancelledAt} />
        {action.rollbackActionId !== null ? (
          <Fact term="Undone by">
            <Link to={`/actions/${action.rollbackActionId}`}>#{action.rollbackActionId}</Link>
            {action.rolledBackAt ? (
              <>
                {" on "}
                <LocalTime value={action.rolledBackAt} />
              </>
            ) : (
              " (in progress)"
            )}
          </Fact>
        ) : null}
        <ActionLinkFact term="Undoes" id={action.rollbackOfId} />
        <ActionLinkFact term="Runs after" id={action.dependsOnId} />
        {action.templateId !== null ? (
          <Fact term="Template">
            #{action.templateId}, step {(action.templateStep ?? 0) + 1}
          </Fact>
        ) : null}
        {action.batchId ? (
          <Fact term="Batch" className="mono" title={action.batchId}>
            {action.batchId.slice(0, 8)}
          </Fact>
        ) : null}
        <TimeFact term="Last change" value={action.updatedAt} />
        {action.idempotencyKey ? (
          <Fact term="Idempotency key" className="mono">
            {action.idempotencyKey}
          </Fact>
        ) : null}
      </dl>
    </section>
  );
}

function Fact({ term, className, title, children }: { term: string; className?: string; title?: string; children: ReactNode }) {
  return (
    <>
      <dt>{term}</dt>
      <dd className={className} title={title}>
        {children}
      </dd>
    </>
  );
}

/** A moment of the action's life, in the reader's time zone; nothing when it has not happened. */
function TimeFact({ term, value }: { term: string; value: string | null }) {
  return value ? (
    <Fact term={term}>
      <LocalTime value={value} />
    </Fact>
  ) : null;
}

/** Another action this one is tied to, linked; nothing when there is none. */
function ActionLinkFact({ term, id }: { term: string; id: number | null }) {
  return id !== null ? (
    <Fact term={term}>
      <Link to={`/actions/${id}`}>#{id}</Link>
    </Fact>
  ) : null;
}
