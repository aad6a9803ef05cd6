import type { ActionView } from "@leash/core";

import { humanLabel } from "../lib/format.ts";

const labels: Record<ActionView["status"], string> = {
  pending: "Pending",
  approved: "Approved",
  executing: "Executing",
  executed: "Executed",
  rejected: "Rejected",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** A status in words and colour (never colour alone). */
export function StatusBadge({ status, rolledBack = false }: { status: ActionView["status"]; rolledBack?: boolean }) {
  return (
    <span className="status-group">
      <span className={`badge badge-${status}`} data-status={status}>
        <span className="badge-dot" aria-hidden="true" />
        {labels[status]}
      </span>
      {rolledBack ? (
        <span className="badge badge-rolled-back">
          <span className="badge-dot" aria-hidden="true" />
          Rolled back
        </span>
      ) : null}
    </span>
  );
}

export function RoleBadge({ role }: { role: string }) {
  return <span className={`badge badge-role badge-role-${role}`}>{humanLabel(role)}</span>;
}
