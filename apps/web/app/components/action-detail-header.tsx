import { Link } from "react-router";

import type { ActionView } from "@leash/core";

import { capitalize } from "../lib/format.ts";
import { DatedText, LocalTime } from "./local-time.tsx";
import { StatusBadge } from "./status-badge.tsx";

interface ActionDetailHeaderProps {
  action: ActionView;
  headline: string;
  /** How far a quorum got ("1 of 2 approvals"); null when there is nothing to count. */
  approvals: string | null;
}

/** Where the action sits, what it does, where it stands, and who proposed and decided it. */
export function ActionDetailHeader({ action, headline, approvals }: ActionDetailHeaderProps) {
  return (
    <header className="detail-header">
      <nav className="breadcrumbs" aria-label="Breadcrumbs">
        <Link to="/history">History</Link>
        <span aria-hidden="true">/</span>
        <span aria-current="page">#{action.id}</span>
      </nav>
      <div className="detail-title">
        <h1>
          #{action.id} · <DatedText text={capitalize(headline)} />
        </h1>
        <div role="status" aria-live="polite" aria-label="Status" data-testid="action-status">
          {action.rollbackOfId !== null ? <span className="badge badge-rolled-back">Undo</span> : null}{" "}
          <StatusBadge status={action.status} rolledBack={action.rolledBackAt !== null} />
        </div>
      </div>
      <p className="meta">
        Proposed by <strong>{action.proposedBy.label}</strong> on <LocalTime value={action.createdAt} />
        {action.decidedBy ? (
          <>
            {" "}
            · {action.status === "rejected" ? "rejected" : "approved"} by <strong>{action.decidedBy}</strong>
          </>
        ) : action.requiresApproval ? null : (
          " · approved automatically"
        )}
      </p>
      {approvals !== null ? (
        <p className="meta" data-testid="approvals">
          <strong>{approvals}</strong>
          {action.approvals.approvers.length > 0 ? ` · approved by ${action.approvals.approvers.map((approver) => approver.label).join(", ")}` : ""}
        </p>
      ) : null}
      {action.reason ? <blockquote className="reason">“{action.reason}”</blockquote> : null}
    </header>
  );
}
